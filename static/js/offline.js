// The tablet without signal: today's work kept on the device, records queued, sent later.
//
// Without this script every page works as before (online only). With it:
// - the service worker (/sw.js) keeps /today, today's users' pages and their forms;
// - the three forms a nurse fills in at a visit are kept in a queue in IndexedDB when
//   there is no signal, each with an id made here, and sent with POST /api/v1/sync when
//   the signal returns (on page load, on the "online" event, and with backoff);
// - a refused record is shown with the reason, to correct or discard; nothing is dropped
//   and, as every kind is idempotent on the server, nothing is stored twice;
// - signing out, the session ending, or another person signing in clears the tablet.
(function () {
  "use strict";

  const DB_NAME = "homecare-offline";
  const PAGE_CACHE = "homecare-pages";
  const FIRST_RETRY_MS = 2000;
  const LAST_RETRY_MS = 60000;
  const POST_TIMEOUT_MS = 20000;

  const texts = JSON.parse(document.getElementById("offline-texts").textContent);
  const sessionMeta = document.querySelector('meta[name="homecare-session"]');
  const me = sessionMeta ? Number(sessionMeta.content) : null;
  const keepsDay = Boolean(sessionMeta) && sessionMeta.dataset.keepsDay === "yes";
  // POST /sync's limit, as the server states it (sync.service.MAX_OPERATIONS).
  const maxBatch = sessionMeta ? Number(sessionMeta.dataset.maxBatch) : 0;
  const say = (text, values) => Object.entries(values || {}).reduce(
    (result, [key, value]) => result.replace(`{${key}}`, String(value)), text);

  // -- the queue (IndexedDB) -----------------------------------------------------------

  let opened = null;
  function database() {
    opened = opened || idb.openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore("queue", { keyPath: "id" });
        db.createObjectStore("meta");
      },
    });
    return opened;
  }
  const queued = async () => (await database()).getAll("queue");
  const mine = async () => (await queued()).filter((item) => item.owner === me);
  const readMeta = async (key) => (await database()).get("meta", key);
  const writeMeta = async (key, value) => (await database()).put("meta", value, key);

  // -- the service worker --------------------------------------------------------------

  // The worker once it is active (the first visit installs it), or null if there is
  // none within a few seconds: then it keeps nothing either.
  let worker = null;
  function activeWorker() {
    if (!("serviceWorker" in navigator)) {
      return Promise.resolve(null);
    }
    worker = worker || navigator.serviceWorker.register("/sw.js")
      .then(() => Promise.race([navigator.serviceWorker.ready,
                                new Promise((resolve) => setTimeout(resolve, 10000))]))
      .then((registration) => (registration && registration.active) || null)
      .catch(() => null);
    return worker;
  }

  async function tellWorker(message) {
    const active = await activeWorker();
    if (!active) {
      return;
    }
    await new Promise((resolve) => {
      const channel = new MessageChannel();
      const timeout = setTimeout(resolve, 60000);
      channel.port1.onmessage = () => { clearTimeout(timeout); resolve(); };
      active.postMessage(message, [channel.port2]);
    });
  }

  // Everything this tablet holds of anyone's work: pages, queue, session.
  async function forgetAll() {
    if (opened) {
      (await opened).close();
      opened = null;
    }
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
    if (window.caches) {
      await caches.delete(PAGE_CACHE);
    }
    await tellWorker({ type: "forget" });
  }

  // -- turning a form into a queued record ---------------------------------------------

  const orNull = (value) => (value === null || value === "" ? null : value);
  const numberOrNull = (value) => (orNull(value) === null ? null : Number(value));

  const BODIES = {
    // Times typed on the planned day, in the planned start's UTC offset.
    visit_completion(form, data) {
      const planned = form.dataset.planned;   // 2026-11-23T07:00+01:00
      const day = planned.slice(0, 10);
      const offset = planned.slice(16);
      const at = (clock) => `${day}T${clock || ""}${clock && clock.length === 5 ? ":00" : ""}${offset}`;
      return { visit_id: form.dataset.visit, version: Number(form.dataset.version),
               actual_start: at(data.get("started")), actual_end: at(data.get("ended")),
               note: orNull(data.get("note")) };
    },
    check_in(form, data) {
      return { goal_id: form.dataset.goal, date: data.get("date"),
               performance: numberOrNull(data.get("performance")),
               satisfaction: numberOrNull(data.get("satisfaction")),
               got_expected_help: data.get("got_expected_help"),
               could_influence: data.get("could_influence"), satisfied: data.get("satisfied"),
               note: orNull(data.get("note")), answered_by: orNull(data.get("answered_by")),
               spoken_for_by_id: orNull(data.get("spoken_for_by_id")),
               not_answered_reason: orNull(data.get("not_answered_reason")) };
    },
    what_matters(form, data) {
      return { service_user_id: form.dataset.serviceUser,
               conversation_date: data.get("conversation_date"),
               asked_by: Number(form.dataset.askedBy), present: data.getAll("present"),
               in_own_words: data.get("in_own_words"),
               spoken_for_by: orNull(data.get("spoken_for_by")) };
    },
  };

  function record(form, id) {
    const data = new FormData(form);
    const kind = form.dataset.offline;
    return {
      id: id || crypto.randomUUID(), kind, owner: me, state: "waiting",
      body: BODIES[kind](form, data), serviceUser: form.dataset.serviceUser,
      label: `${texts[kind]} · ${document.title.split(" · ")[0]}`,
      formUrl: location.pathname, back: form.dataset.back, createdAt: Date.now(),
      fields: [...data.entries()].filter(([name]) => name !== "csrf_token"),
    };
  }

  function fill(form, fields) {
    const values = new Map();
    fields.forEach(([name, value]) => values.set(name, [...(values.get(name) || []), value]));
    for (const element of form.elements) {
      const given = values.get(element.name);
      if (!given || element.type === "hidden") {
        continue;
      }
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = given.includes(element.value);
      } else {
        element.value = given[0];
      }
    }
  }

  // Bound at once when the page loads (a quick tap must not slip past to a POST that
  // cannot leave the tablet); the prefill of a correction follows when read.
  //
  // With signal the script posts the form itself and waits at most POST_TIMEOUT_MS for
  // the answer: a connection that says it is online but carries nothing must not lose
  // what was typed. Unanswered, the record is kept on the tablet under the id the form
  // carried (``record_id``), so that it is stored once even if the post did arrive.
  async function keepOnTablet(form, id) {
    await (await database()).put("queue", record(form, id));
    sessionStorage.setItem("homecare-kept", "yes");
    location.href = form.dataset.back;
  }

  async function post(form) {
    try {
      return await fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-Homecare-Form": "yes" }, signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
    } catch (noAnswer) {
      return null;
    }
  }

  function bindForms() {
    const correcting = new URLSearchParams(location.search).get("queued");
    for (const form of document.querySelectorAll("form[data-offline]")) {
      const chosen = form.elements.namedItem("record_id");
      if (chosen && !chosen.value) {
        chosen.value = correcting || crypto.randomUUID();
      }
      // Back to this page from the browser's history: ready to send again.
      window.addEventListener("pageshow", () => form.removeAttribute("aria-busy"));
      if (correcting) {
        database().then((db) => db.get("queue", correcting))
          .then((earlier) => earlier && fill(form, earlier.fields));
      }
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (form.getAttribute("aria-busy")) {
          return;   // a second tap while the first is on its way
        }
        if (!form.checkValidity()) {
          form.reportValidity();   // what must be chosen, said here even without signal
          return;
        }
        form.setAttribute("aria-busy", "true");
        const id = correcting || (chosen && chosen.value);
        // A correction of a queued record goes back into the queue under its own id.
        const answer = navigator.onLine && !correcting ? await post(form) : null;
        if (answer === null || (answer.redirected && answer.url.includes("/login"))) {
          await keepOnTablet(form, id);   // no answer, or signed out meanwhile
        } else if (answer.status === 204) {
          // Saved; "Saved." shows on the page the button pressed goes on to (a completed
          // visit straight on to its follow-up), or else back to the user.
          location.href = (event.submitter && event.submitter.dataset.back) || form.dataset.back;
        } else {
          form.submit();   // refused: the server's page with its messages, as without us
        }
      });
    }
  }

  // -- sending ----------------------------------------------------------------------------

  let sending = null;
  let retry = null;
  let wait = FIRST_RETRY_MS;

  function later() {
    clearTimeout(retry);
    retry = setTimeout(send, wait);
    wait = Math.min(wait * 2, LAST_RETRY_MS);
  }

  async function applyResults(results) {
    const db = await database();
    for (const result of results) {
      if (result.status < 300) {
        await db.delete("queue", result.id);
      } else {
        const item = await db.get("queue", result.id);
        if (item) {
          Object.assign(item, { state: "refused", status: result.status,
                                message: result.message, errors: result.errors || null });
          await db.put("queue", item);
        }
      }
    }
  }

  async function sendBatch(batch, token) {
    const response = await fetch("/api/v1/sync", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token },
      body: JSON.stringify({ operations: batch.map(({ id, kind, body }) => ({ id, kind, body })) }),
    });
    if (response.status === 422) {   // the batch itself is malformed: show, don't loop
      const refusal = await response.json();
      await applyResults(batch.map((item) => ({ id: item.id, status: 422,
                                                message: refusal.message })));
      return;
    }
    if (!response.ok) {
      throw new Error(`sync answered ${response.status}`);
    }
    await applyResults((await response.json()).results);
  }

  async function sendWaiting() {
    const waiting = (await mine()).filter((item) => item.state === "waiting");
    if (!waiting.length || !navigator.onLine) {
      return;
    }
    const session = await fetch("/offline/session", {
      credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (session.redirected || !session.ok) {
      return;   // signed out or expired: sent after the same person signs in again
    }
    const facts = await session.json();
    if (facts.staff_id !== me) {
      return;
    }
    for (let start = 0; start < waiting.length; start += maxBatch) {
      await sendBatch(waiting.slice(start, start + maxBatch), facts.csrf_token);
    }
    await writeMeta("lastSent", Date.now());
    wait = FIRST_RETRY_MS;
  }

  // One sending at a time; a failure (no signal, an outage) is tried again later.
  function send() {
    if (me === null) {
      return Promise.resolve();
    }
    sending = sending || sendWaiting()
      .catch(later)
      .finally(() => { sending = null; render(); });
    render();
    return sending;
  }

  // -- showing -------------------------------------------------------------------------

  function clock(ms) {
    return new Date(ms).toLocaleTimeString(document.documentElement.lang,
                                           { hour: "2-digit", minute: "2-digit" });
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    node.append(...children);
    return node;
  }

  function itemRow(item) {
    const refused = item.state === "refused";
    const row = element("li", { "data-queued": item.id, "class": refused ? "refused" : "waiting" },
      element("strong", {}, item.label),
      " ",
      element("span", { "class": `badge${refused ? " warn" : ""}` },
              refused ? texts.state_refused : texts.state_waiting));
    if (refused) {
      const details = Object.values(item.errors || {}).flat().join(" ") || item.message;
      row.append(element("p", { "class": "field-error" }, details));
      const correct = element("a", { "class": "button", "href": `${item.formUrl}?queued=${item.id}` },
                              texts.correct);
      const discard = element("button", { "type": "button" }, texts.discard);
      discard.addEventListener("click", async () => {
        if (window.confirm(texts.discard_confirm)) {
          await (await database()).delete("queue", item.id);
          render();
        }
      });
      row.append(element("div", { "class": "card-actions" }, correct, " ", discard));
    }
    return row;
  }

  async function render() {
    if (me === null) {
      return;
    }
    const items = await mine();
    const waiting = items.filter((item) => item.state === "waiting").length;
    const refused = items.length - waiting;
    const lastSent = await readMeta("lastSent");
    const parts = [];
    if (!navigator.onLine) {
      parts.push(texts.offline);
    }
    parts.push(say(texts.waiting, { n: waiting }));
    if (refused) {
      parts.push(say(texts.refused, { n: refused }));
    }
    if (lastSent) {
      parts.push(say(texts.last_sent, { time: clock(lastSent) }));
    }
    const status = document.getElementById("sync-status");
    status.textContent = parts.join(" · ");
    status.classList.toggle("warn", refused > 0 || !navigator.onLine);
    status.hidden = false;

    const box = document.getElementById("offline-queue");
    if (box) {
      const shown = box.dataset.serviceUser
        ? items.filter((item) => item.serviceUser === box.dataset.serviceUser) : items;
      box.hidden = shown.length === 0;
      box.replaceChildren(element("h2", {}, texts.heading),
                          element("ul", { "class": "plain queue-items" }, ...shown.map(itemRow)));
    }
  }

  function showKept() {
    if (sessionStorage.getItem("homecare-kept")) {
      sessionStorage.removeItem("homecare-kept");
      const note = element("p", { "class": "flash flash-success", "role": "status" }, texts.kept);
      document.getElementById("main").prepend(note);
    }
  }

  // -- signing out ---------------------------------------------------------------------

  function bindSignOut() {
    const form = document.getElementById("sign-out");
    if (!form) {
      return;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await send();
      const unsent = (await mine()).length;
      if (unsent && !window.confirm(say(texts.sign_out_unsent, { n: unsent }))) {
        return;
      }
      await forgetAll();
      if (navigator.onLine) {
        form.submit();
      } else {
        // The server session ends when the signal returns: the worker signs out first.
        await tellWorker({ type: "sign-out-later" });
        location.href = "/offline";
      }
    });
  }

  // -- keeping today's work ------------------------------------------------------------

  // The server signed a ticket for the users on today's page: the worker sends it with
  // each page it keeps, so that those reads are logged as kept, not opened.
  function keepDay() {
    const day = document.querySelector("[data-keep-day]");
    if (!day || !navigator.onLine) {
      return;
    }
    const links = [...document.querySelectorAll('main a[href^="/users/"], main a[href^="/visits/"]')]
      .map((link) => link.getAttribute("href"));
    tellWorker({ type: "keep-day", userPages: [...new Set(links)], ticket: day.dataset.keepDay })
      .then(() => { document.documentElement.dataset.dayKept = "yes"; });
  }

  // -- start -----------------------------------------------------------------------------

  async function start() {
    activeWorker();
    if (keepsDay) {
      bindForms();
    }
    if (me !== null) {
      bindSignOut();
    }
    const owner = await readMeta("owner");
    if (me === null) {
      if (location.pathname === "/login") {
        await tellWorker({ type: "forget" });   // nobody is signed in: no pages stay
        const left = (await queued()).length;
        if (left) {
          const warning = element("p", { "class": "flash flash-warning", "role": "alert" },
                                  say(texts.other_person, { n: left }));
          document.getElementById("main").prepend(warning);
        }
      }
      return;
    }
    if (owner !== undefined && owner !== me) {
      await forgetAll();   // another person's day and unsent records leave the tablet
    }
    await writeMeta("owner", me);
    if (!keepsDay) {
      return;
    }
    await tellWorker({ type: "session", staff: me,
                       idleMs: Number(sessionMeta.dataset.idleMs),
                       lifetimeLeftMs: Number(sessionMeta.dataset.lifetimeLeftMs) });
    showKept();
    await render();
    keepDay();
    window.addEventListener("online", () => { wait = FIRST_RETRY_MS; send(); });
    window.addEventListener("offline", render);
    send();
  }

  start();
})();
