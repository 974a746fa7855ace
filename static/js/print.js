// A button that prints the page (the plan): the page's scripts come from here, not
// inline, so that the content security policy can forbid inline scripts.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
