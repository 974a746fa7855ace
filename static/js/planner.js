// Week planner: show the continuity consequences and any double booking while the plan
// is typed, and make the team list searchable with the user's responsible contact first.
// Without this script the same warnings appear after the first submit, and the list is
// an ordinary select with the contact first once the user is known.
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) { return; }
  var target = document.getElementById("continuity");
  var confirm = form.querySelector("input[name=confirm]");
  var staff = form.querySelector("select[name=staff_id]");
  var user = form.querySelector("select[name=service_user_id]");
  var pending = 0;

  function refresh() {
    var query = new URLSearchParams(new FormData(form));
    ["csrf_token", "confirm", "allow_overlap", "overlap_seen"].forEach(function (name) {
      query.delete(name);
    });
    var url = new URL(form.dataset.continuityUrl, window.location.href);
    query.forEach(function (value, key) { url.searchParams.append(key, value); });
    var mine = ++pending;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (mine !== pending) { return; }
        target.innerHTML = html;
        var shown = target.querySelector("[data-fingerprint]");
        // The warning is on screen now, so saving this exact plan needs no second step
        // (a double booking still needs its box ticked).
        confirm.value = shown ? shown.dataset.fingerprint : "";
      })
      .catch(function () { /* keep the server-side check */ });
  }

  // The chosen user's responsible contact first, named so; the others by name.
  var suffix = " · " + (form.dataset.contactWord || "");
  var order = staff ? Array.prototype.slice.call(staff.options) : [];
  order.sort(function (a, b) {
    return (a.dataset.name || a.text).localeCompare(b.dataset.name || b.text, "nb");
  });
  function contactFirst() {
    if (!staff || !user) { return; }
    var chosen = user.options[user.selectedIndex];
    var contact = chosen ? chosen.dataset.contact : "";
    order.forEach(function (option) {
      option.text = option.dataset.name || option.text;
      staff.appendChild(option);
    });
    var first = order.filter(function (o) { return contact && o.value === contact; })[0];
    if (first) {
      first.text = first.dataset.name + suffix;
      staff.insertBefore(first, staff.firstChild);
    }
  }

  // A search box above the team list: typing hides those who do not match, and one
  // match left is chosen.
  if (staff) {
    var field = staff.closest(".field");
    var search = document.createElement("input");
    search.type = "search";
    search.id = "staff-search";
    search.autocomplete = "off";
    search.setAttribute("aria-controls", staff.id);
    var label = document.createElement("label");
    label.htmlFor = search.id;
    label.textContent = form.dataset.searchLabel || "Search";
    var box = document.createElement("div");
    box.className = "field staff-search";
    box.appendChild(label);
    box.appendChild(search);
    field.parentNode.insertBefore(box, field);
    search.addEventListener("input", function () {
      var words = search.value.trim().toLowerCase();
      var matches = [];
      Array.prototype.forEach.call(staff.options, function (option) {
        var hit = !words || option.text.toLowerCase().indexOf(words) !== -1;
        option.hidden = !hit;
        if (hit) { matches.push(option); }
      });
      if (words && matches.length === 1 && staff.value !== matches[0].value) {
        staff.value = matches[0].value;
        staff.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  form.addEventListener("change", function (event) {
    // Ticking "book twice all the same" changes nothing of the plan.
    if (target.contains(event.target) || event.target.id === "staff-search") { return; }
    if (event.target === user) { contactFirst(); }
    refresh();
  });
  // A user chosen before the script ran (or kept by the browser on "back").
  if (user && user.value) { contactFirst(); }
  refresh();
})();
