// Completing a visit: the times offered are those the visit really had, worked out when
// the form is opened — also a form kept on the tablet hours before, without signal.
// The same rule as the server's (visits.views.as_it_went): as planned once the planned
// end has passed (or on another day than planned); ending now while the visit is under
// way by the plan; and, completed before its planned start, its planned length up to now.
(function () {
  "use strict";

  const form = document.querySelector('form[data-times="as-it-went"]');
  if (!form || new URLSearchParams(location.search).has("queued")) {
    return;   // a correction, or a queued record being corrected: its own times stand
  }
  const planned = form.dataset.planned;   // 2026-11-23T07:00+01:00
  const start = new Date(planned);
  const minutes = Number(form.dataset.minutes);
  const end = new Date(start.getTime() + minutes * 60000);
  const now = new Date();
  now.setSeconds(0, 0);
  const sameDay = start.toDateString() === now.toDateString();
  let started = start;
  let ended = end;
  if (sameDay && end > now) {
    if (start <= now) {
      ended = new Date(Math.max(now.getTime(), start.getTime() + 60000));
    } else {
      started = new Date(now.getTime() - minutes * 60000);
      ended = now;
    }
  }
  const clock = (moment) => moment.toTimeString().slice(0, 5);
  form.elements.namedItem("started").value = clock(started);
  form.elements.namedItem("ended").value = clock(ended);
})();
