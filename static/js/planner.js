// Week planner: show the continuity consequences while the plan is typed.
// Without this script the same warnings appear after the first submit.
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) { return; }
  var target = document.getElementById("continuity");
  var confirm = form.querySelector("input[name=confirm]");
  var pending = 0;

  function refresh() {
    var query = new URLSearchParams(new FormData(form));
    query.delete("csrf_token");
    query.delete("confirm");
    var url = new URL(form.dataset.continuityUrl, window.location.href);
    query.forEach(function (value, key) { url.searchParams.append(key, value); });
    var mine = ++pending;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (mine !== pending) { return; }
        target.innerHTML = html;
        var shown = target.querySelector("[data-fingerprint]");
        // The warning is on screen now, so saving this exact plan needs no second step.
        confirm.value = shown ? shown.dataset.fingerprint : "";
      })
      .catch(function () { /* keep the server-side check */ });
  }

  form.addEventListener("change", refresh);
  refresh();
})();
