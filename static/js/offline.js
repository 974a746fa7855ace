// The tablet without signal: today's work kept on the device, records queued, sent later.
//
// Without this script every page works as before (online only). With it:
// - the service worker (/sw.js) keeps /today, today's users' pages and their forms,
//   sealed under the person's key (static/js/seal.js), fetching only what changed;
// - the three forms a nurse fills in at a visit are kept in a queue in IndexedDB when
//   there is no signal, sealed under the same key, each with an id made here, and sent
//   with POST /api/v1/sync when the signal returns (on page load, on the "online" event,
//   and with backoff);
// - a refused record is shown with the reason, with only the actions that can work;
//   nothing is dropped and, as every kind is idempotent on the server, nothing is
//   stored twice;
// - without signal, after the idle time, the tablet locks until the person types their
//   password; another person signing in cannot read what waits, which is sent when its
//   owner signs in here again.
(function () {
  "use strict";

  const FIRST_RETRY_MS = 2000;
  const LAST_RETRY_MS = 60000;
  const POST_TIMEOUT_MS = 20000;
  const HEARTBEAT_MS = 20000;
  const WRONG_TRIES_BEFORE_WAIT = 5;
  const WAIT_AFTER_WRONG_MS = 30000;

  const texts = JSON.parse(document.getElementById("offline-texts").textContent);
  const sessionMeta = document.querySelector('meta[name="homecare-session"]');
  const me = sessionMeta ? Number(sessionMeta.content) : null;
  const username = sessionMeta ? sessionMeta.dataset.username : null;
  const keepsDay = Boolean(sessionMeta) && sessionMeta.dataset.keepsDay === "yes";
  const idleMs = sessionMeta ? Number(sessionMeta.dataset.idleMs) : 0;
  // POST /sync's limit, as the server states it (sync.services.MAX_OPERATIONS).
  const maxBatch = sessionMeta ? Number(sessionMeta.dataset.maxBatch) : 0;
  const seal = window.homecareSeal;
  const store = window.homecareStore;
  const canSeal = Boolean(window.crypto && crypto.subtle && seal && store);
  const say = (text, values) => Object.entries(values || {}).reduce(
    (result, [key, value]) => result.replace(`{${key}}`, String(value)), text);

  // -- the queue (IndexedDB), sealed under the person's key ----------------------------

  let key = null;   // the person's key, in memory only (from the worker, or unlocking)
  const database = () => store.open();
  const queued = async () => (await database()).getAll("queue");

  // The signed-in person's records, opened; those sealed under a key not theirs now
  // (a password changed on another device) stay closed and are counted apart.
  async function mine() {
    const opened = [];
    for (const item of (await queued()).filter((each) => each.owner === me)) {
      try {
        opened.push({ ...item, ...(item.sealed ? await seal.openJson(key, item.sealed) : {}) });
      } catch (closed) {
        opened.push({ ...item, closed: true });
      }
    }
    return opened;
  }

  async function put(item) {
    const { id, owner, state, createdAt, ...secret } = item;
    delete secret.sealed;
    delete secret.closed;
    await (await database()).put("queue", { id, owner, state, createdAt,
                                            sealed: await seal.sealJson(key, secret) });
  }

  const readMeta = async (name) => (await database()).get("meta", name);
  const writeMeta = async (name, value) => (await database()).put("meta", value, name);

  // -- the service worker --------------------------------------------------------------

  // The worker once it is active (the first visit installs it), or null if there is
  // none within a few seconds: then it keeps nothing either.
  let worker = null;
  function activeWorker() {
    if (!("serviceWorker" in navigator)) {
      return Promise.resolve(null);
    }
    // Registering checks for a new worker, which fails without signal: the one
    // installed answers all the same.
    worker = worker || navigator.serviceWorker.register("/sw.js").catch(() => null)
      .then(() => Promise.race([navigator.serviceWorker.ready,
                                new Promise((resolve) => setTimeout(resolve, 10000))]))
      .then((registration) => (registration && registration.active) || null)
      .catch(() => null);
    return worker;
  }

  // Ask the worker; its answer, or null without a worker.
  async function ask(message) {
    const active = await activeWorker();
    if (!active) {
      return null;
    }
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      const timeout = setTimeout(() => resolve(null), 60000);
      channel.port1.onmessage = (event) => { clearTimeout(timeout); resolve(event.data); };
      active.postMessage(message, [channel.port2]);
    });
  }

  // -- the key: made at sign-in, held in memory, checked on the tablet to unlock --------

  // Before the sign-in form goes, the key is made from the password typed (with the
  // salt of this person's lock, so that what waits for them opens again) and handed to
  // the worker, which adopts it once the server has accepted the password.
  function bindKeyMaking(form, passwordField, whose) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.keyMade) {
        return;
      }
      event.preventDefault();   // at once: what follows waits
      form.dataset.keyMade = "yes";
      try {
        if (await activeWorker()) {
          const name = whose();
          const earlier = name ? await (await database()).get("locks", name) : null;
          const salt = earlier ? earlier.salt : seal.newSalt();
          const derived = await seal.derive(passwordField.value, salt);
          await ask({ type: "pending", lock: { username: name, salt, ...derived } });
        }
      } finally {
        form.submit();   // signing in never waits on the tablet's key
      }
    });
  }

  async function checkPassword(password, name) {
    const lock = name ? await (await database()).get("locks", name) : null;
    if (!lock) {
      return null;
    }
    const derived = await seal.derive(password, lock.salt, lock.iterations);
    return seal.same(derived.verifier, lock.verifier) ? { lock, key: derived.key } : null;
  }

  // The lock (/offline/lock, shown by the worker in place of a kept page) and the
  // prompt a signed-in page shows when the worker has no key: the password is checked
  // against the verifier on the tablet; a wrong one unlocks nothing, and after a few a
  // wait is imposed.
  function bindUnlock(form, onUnlocked) {
    const field = form.querySelector('input[type="password"]');
    const error = form.querySelector(".field-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const tries = Number(sessionStorage.getItem("homecare-wrong") || 0);
      const waitUntil = Number(sessionStorage.getItem("homecare-wait") || 0);
      if (Date.now() < waitUntil) {
        error.textContent = say(texts.wait_to_unlock,
                                { n: Math.ceil((waitUntil - Date.now()) / 1000) });
        error.hidden = false;
        return;
      }
      form.setAttribute("aria-busy", "true");
      const facts = (await ask({ type: "status" })) || {};
      const found = await checkPassword(field.value, facts.username || username);
      form.removeAttribute("aria-busy");
      if (!found) {
        sessionStorage.setItem("homecare-wrong", String(tries + 1));
        if (tries + 1 >= WRONG_TRIES_BEFORE_WAIT) {
          sessionStorage.setItem("homecare-wait", String(Date.now() + WAIT_AFTER_WRONG_MS));
        }
        error.textContent = texts.wrong_password;
        error.hidden = false;
        field.value = "";
        return;
      }
      sessionStorage.removeItem("homecare-wrong");
      sessionStorage.removeItem("homecare-wait");
      await ask({ type: "give-key", staff: found.lock.staff, key: found.key });
      await ask({ type: "activity" });
      onUnlocked(found.key);
    });
  }

  // Records sealed under a password changed since on another device: the person types
  // the old one, checked against its verifier, and they are sealed again under the
  // current key and sent.
  async function previousPasswordPrompt(closed) {
    const lock = await (await database()).get("locks", username);
    if (!lock || !lock.previous || document.getElementById("previous-password")) {
      return;
    }
    const form = element("form", { "class": "unlock card", "id": "previous-password" },
      element("p", {}, say(texts.previous_password, { n: closed })),
      element("label", { "for": "previous-password-field" }, texts.password),
      element("input", { "id": "previous-password-field", "type": "password",
                         "autocomplete": "off" }),
      element("p", { "class": "field-error", "role": "alert", "hidden": "" }),
      element("button", { "type": "submit", "class": "primary" }, texts.unlock));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const previous = lock.previous;
      const field = form.querySelector("input");
      const derived = await seal.derive(field.value, previous.salt, previous.iterations);
      if (!seal.same(derived.verifier, previous.verifier)) {
        const error = form.querySelector(".field-error");
        error.textContent = texts.wrong_password;
        error.hidden = false;
        return;
      }
      const db = await database();
      for (const item of (await queued()).filter((each) => each.owner === me && each.sealed)) {
        try {
          const secret = await seal.openJson(derived.key, item.sealed);
          await db.put("queue", { ...item, sealed: await seal.sealJson(key, secret) });
        } catch (notThisKey) {
          // sealed under the current key already
        }
      }
      form.remove();
      send();
    });
    document.getElementById("main").prepend(form);
  }

  function unlockPrompt() {
    const form = element("form", { "class": "unlock card", "id": "unlock-day" },
      element("p", {}, texts.unlock_to_keep),
      element("label", { "for": "unlock-day-password" }, texts.password),
      element("input", { "id": "unlock-day-password", "type": "password",
                         "autocomplete": "current-password" }),
      element("p", { "class": "field-error", "role": "alert", "hidden": "" }),
      element("button", { "type": "submit", "class": "primary" }, texts.unlock));
    bindUnlock(form, (found) => {
      key = found;
      form.remove();
      keepDay();
      send();
    });
    document.getElementById("main").prepend(form);
  }

  // Without signal, the tablet locks after the idle time without use: the key leaves
  // this page and the worker, and the kept page gives way to the lock.
  let lastUse = Date.now();
  let told = 0;
  function used() {
    lastUse = Date.now();
    if (lastUse - told > 10000) {
      told = lastUse;
      ask({ type: "activity" });
    }
  }

  function watchIdle() {
    ["pointerdown", "keydown", "scroll", "touchstart"].forEach(
      (name) => window.addEventListener(name, used, { passive: true }));
    setInterval(async () => {
      if (!navigator.onLine && idleMs && Date.now() - lastUse >= idleMs) {
        key = null;
        await ask({ type: "lock" });
        location.reload();
      } else if (key) {
        // A worker that stopped and started again gets the key back from an open page.
        ask({ type: "give-key", staff: me, key });
      }
    }, Math.min(HEARTBEAT_MS, idleMs || HEARTBEAT_MS));
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

  // When, in words: the times typed for a visit, the date for the others.
  function when(kind, body) {
    if (kind === "visit_completion") {
      const clock = (stamp) => stamp.slice(11, 16);
      return `${dayText(body.actual_start.slice(0, 10))} ${clock(body.actual_start)}–${clock(body.actual_end)}`;
    }
    return dayText(body.date || body.conversation_date || "");
  }

  function dayText(isoDay) {
    const parsed = new Date(`${isoDay}T12:00:00`);
    return Number.isNaN(parsed.getTime()) ? isoDay : parsed.toLocaleDateString(
      document.documentElement.lang, { day: "numeric", month: "short" });
  }

  function record(form, id) {
    const data = new FormData(form);
    const kind = form.dataset.offline;
    const body = BODIES[kind](form, data);
    const nameMeta = document.querySelector('meta[name="homecare-user-name"]');
    return {
      id: id || crypto.randomUUID(), kind, owner: me, state: "waiting", body,
      serviceUser: form.dataset.serviceUser,
      userName: nameMeta ? nameMeta.content : "", when: when(kind, body),
      formUrl: location.pathname, back: form.dataset.back, createdAt: Date.now(),
      fields: [...data.entries()].filter(([name]) => name !== "csrf_token"),
    };
  }

  function fill(form, fields) {
    const values = new Map();
    fields.forEach(([name, value]) => values.set(name, [...(values.get(name) || []), value]));
    for (const field of form.elements) {
      const given = values.get(field.name);
      if (!given || field.type === "hidden") {
        continue;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = given.includes(field.value);
      } else {
        field.value = given[0];
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
    await put(record(form, id));
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
        keyReady.then(mine).then((items) => items.find((item) => item.id === correcting))
          .then((earlier) => earlier && earlier.fields && fill(form, earlier.fields));
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
        await keyReady;   // a tap may come before the page has the key from the worker
        const id = correcting || (chosen && chosen.value);
        // A correction of a queued record goes back into the queue under its own id.
        const answer = navigator.onLine && !correcting ? await post(form) : null;
        if ((answer === null || (answer.redirected && answer.url.includes("/login")))
            && key) {
          await keepOnTablet(form, id);   // no answer, or signed out meanwhile
        } else if (answer && answer.status === 204) {
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

  // Stored records leave the queue; a completion kept beside another version (202) is
  // stored too, and stays shown once so that the nurse knows the coordinator settles it;
  // a refused one is kept with the reason. How many were stored is the answer.
  async function applyResults(batch, results) {
    const db = await database();
    const byId = new Map(batch.map((item) => [item.id, item]));
    let stored = 0;
    for (const result of results) {
      const item = byId.get(result.id);
      if (result.status < 300) {
        stored += 1;
        if (result.status === 202 && item) {
          await put({ ...item, state: "settling", status: 202 });
        } else {
          await db.delete("queue", result.id);
        }
      } else if (item) {
        await put({ ...item, state: "refused", status: result.status,
                    message: result.message, errors: result.errors || null });
      }
    }
    return stored;
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
      return applyResults(batch, batch.map((item) => ({ id: item.id, status: 422,
                                                        message: refusal.message })));
    }
    if (!response.ok) {
      throw new Error(`sync answered ${response.status}`);
    }
    return applyResults(batch, (await response.json()).results);
  }

  async function sendWaiting() {
    if (!key) {
      return 0;
    }
    const waiting = (await mine()).filter((item) => item.state === "waiting" && !item.closed);
    if (!waiting.length || !navigator.onLine) {
      return 0;
    }
    const session = await fetch("/offline/session", {
      credentials: "same-origin", headers: { "Accept": "application/json" } });
    if (session.redirected || !session.ok) {
      return 0;   // signed out or expired: sent after the same person signs in again
    }
    const facts = await session.json();
    if (facts.staff_id !== me) {
      return 0;
    }
    let stored = 0;
    for (let start = 0; start < waiting.length; start += maxBatch) {
      stored += await sendBatch(waiting.slice(start, start + maxBatch), facts.csrf_token);
    }
    await writeMeta("lastSent", Date.now());
    wait = FIRST_RETRY_MS;
    return stored;
  }

  // One sending at a time; a failure (no signal, an outage) is tried again later. What
  // was stored shows on the page at once, without a reload.
  function send() {
    if (me === null) {
      return Promise.resolve();
    }
    sending = sending || sendWaiting()
      .then((stored) => (stored ? refreshShown() : null))
      .catch(later)
      .finally(() => { sending = null; render(); });
    render();
    return sending;
  }

  // The page as the server has it now (its visits' states after a sync), in place; the
  // day is then kept again, which fetches only the pages that changed.
  async function refreshShown() {
    if (!document.querySelector("[data-keep-day]") && !document.getElementById("offline-queue")) {
      return;
    }
    const response = await fetch(location.href, { credentials: "same-origin",
                                                  headers: { "Accept": "text/html" } });
    if (!response.ok || response.redirected) {
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = fresh.getElementById("main");
    if (main) {
      // The messages shown here stay (the fresh copy's would say them twice): a note
      // that a record was kept must not vanish because the queue was sent meanwhile.
      fresh.querySelectorAll("#main .flash").forEach((flash) => flash.remove());
      const shown = document.querySelectorAll("#main > .flash");
      document.getElementById("main").replaceChildren(...shown, ...main.childNodes);
      await render();
      keepDay();
    }
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

  // What the nurse typed, to read or copy when the record cannot be sent as it is.
  function typed(item) {
    const list = element("dl", { "class": "typed" });
    (item.fields || []).filter(([name]) => name !== "record_id").forEach(([name, value]) => {
      list.append(element("dt", {}, name), element("dd", {}, String(value)));
    });
    return element("details", {}, element("summary", {}, texts.show_typed), list);
  }

  function itemRow(item) {
    const label = [texts[item.kind], item.userName, item.when].filter(Boolean).join(" · ");
    const row = element("li", { "data-queued": item.id, "class": item.state },
      element("strong", {}, label || texts.locked_record), " ",
      element("span", { "class": `badge${item.state === "refused" ? " warn" : ""}` },
              texts[`state_${item.state}`] || texts.state_waiting));
    if (item.state === "settling") {
      row.append(element("p", {}, texts.settling));
      const done = element("button", { "type": "button" }, texts.understood);
      done.addEventListener("click", async () => {
        await (await database()).delete("queue", item.id);
        render();
      });
      row.append(element("div", { "class": "card-actions" }, done));
    } else if (item.state === "refused") {
      const details = Object.values(item.errors || {}).flat().join(" ") || item.message;
      row.append(element("p", { "class": "field-error" }, details));
      const actions = element("div", { "class": "card-actions" });
      // A form to correct only where a correction can be accepted: a refused value
      // (422). A record the server will not take as it is (a goal closed meanwhile, a
      // user no longer in one's teams) is shown to read, copy or discard.
      if (item.status === 422 && item.formUrl) {
        actions.append(element("a", { "class": "button", "href": `${item.formUrl}?queued=${item.id}` },
                               texts.correct), " ");
      } else {
        row.append(typed(item));
      }
      const discard = element("button", { "type": "button" }, texts.discard);
      discard.addEventListener("click", async () => {
        if (window.confirm(texts.discard_confirm)) {
          await (await database()).delete("queue", item.id);
          render();
        }
      });
      actions.append(discard);
      row.append(actions);
    }
    return row;
  }

  let keptAt = null;
  let keepingNow = false;

  function readiness() {
    if (!keepsDay) {
      return null;
    }
    if (!key) {
      return texts.not_ready;
    }
    if (keepingNow) {
      return texts.getting_ready;
    }
    return keptAt ? say(texts.ready, { time: clock(keptAt) }) : null;
  }

  async function render() {
    if (me === null) {
      return;
    }
    const items = key ? await mine() : (await queued()).filter((item) => item.owner === me);
    const waiting = items.filter((item) => item.state === "waiting").length;
    const refused = items.filter((item) => item.state === "refused").length;
    const lastSent = await readMeta("lastSent");
    const parts = [];
    if (!navigator.onLine) {
      parts.push(texts.offline);
    }
    const ready = readiness();
    if (ready) {
      parts.push(ready);
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
    document.documentElement.dataset.readyOffline = keptAt && key ? "yes" : "no";

    const closed = items.filter((item) => item.closed).length;
    if (closed && key) {
      previousPasswordPrompt(closed);
    }
    const box = document.getElementById("offline-queue");
    if (box) {
      const shown = (box.dataset.serviceUser
        ? items.filter((item) => item.serviceUser === box.dataset.serviceUser) : items)
        .filter((item) => !item.closed);
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

  // What waits is sent first; what cannot be sent stays on the tablet, sealed, and is
  // sent when the person signs in here again. The kept pages and the key go.
  function bindSignOut() {
    const form = document.getElementById("sign-out");
    if (!form) {
      return;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await send();
      const unsent = (await queued()).filter((item) => item.owner === me
                                                      && item.state !== "settling").length;
      if (unsent && !window.confirm(say(texts.sign_out_unsent, { n: unsent }))) {
        return;
      }
      key = null;
      await ask({ type: "forget" });
      if (window.caches) {
        await caches.delete("homecare-pages");
      }
      if (navigator.onLine) {
        form.submit();
      } else {
        // The server session ends when the signal returns: the worker signs out first.
        await ask({ type: "sign-out-later" });
        location.href = "/offline";
      }
    });
  }

  // -- keeping today's work ------------------------------------------------------------

  // The server signed a ticket for the users on today's page, and gave each user's
  // pages a version: the worker fetches only the pages whose version changed, and sends
  // the ticket with each, so that those reads are logged as kept, not opened.
  async function keepDay() {
    const day = document.querySelector("[data-keep-day]");
    if (!day || !navigator.onLine || !key) {
      return;
    }
    const dayPages = JSON.parse(day.dataset.dayPages || "{}");   // user: [version, goals]
    const versions = Object.fromEntries(Object.entries(dayPages).map(([user, [v]]) => [user, v]));
    const pathOf = (link) => new URL(link.getAttribute("href"), location.origin).pathname;
    const userOf = (path) => (/^\/users\/([0-9a-f-]{36})$/.exec(path) || [])[1];
    const pages = new Map();
    for (const link of document.querySelectorAll('main a[href^="/users/"]')) {
      const user = userOf(pathOf(link));
      if (user) {
        pages.set(pathOf(link), versions[user]);
        // The forms a visit may need, fetched with the user's page, not after it.
        pages.set(`/users/${user}/what-matters/new`, versions[user]);
        (dayPages[user] || [null, []])[1].forEach(
          (goal) => pages.set(`/users/${user}/goals/${goal}/check-in`, versions[user]));
      }
    }
    // Today's visits' forms, with the version of the user they are with.
    for (const link of document.querySelectorAll('main a[href^="/visits/"]')) {
      const beside = link.closest("li") && link.closest("li").querySelector('a[href^="/users/"]');
      pages.set(pathOf(link), beside ? versions[userOf(pathOf(beside))] : undefined);
    }
    const userPages = [...pages].map(([path, version]) => ({ path, version }));
    keepingNow = true;
    render();
    const answer = await ask({ type: "keep-day", userPages, ticket: day.dataset.keepDay });
    keepingNow = false;
    keptAt = answer && answer.keptAt;
    document.documentElement.dataset.dayKept = "yes";
    render();
  }

  // -- start -----------------------------------------------------------------------------

  let keyFound = null;
  const keyReady = new Promise((resolve) => { keyFound = resolve; });

  async function signedOutPage() {
    const login = document.querySelector('form input[name="username"]');
    if (login) {
      bindKeyMaking(login.form, login.form.elements.namedItem("password"),
                    () => login.value.trim().toLowerCase());
    }
    const lock = document.getElementById("unlock");
    if (lock) {
      const facts = (await ask({ type: "status" })) || {};
      document.getElementById("unlock-who").textContent = facts.username || "";
      bindUnlock(lock, () => location.reload());
      return;
    }
    if (location.pathname === "/login") {
      // Nobody is signed in: no pages stay; what waits stays sealed for its owner.
      await ask({ type: "forget" });
      const left = (await queued()).filter((item) => item.state !== "settling").length;
      if (left) {
        const warning = element("p", { "class": "flash flash-warning", "role": "alert" },
                                say(texts.other_person, { n: left }));
        document.getElementById("main").prepend(warning);
      }
    }
  }

  async function start() {
    activeWorker();
    if (me === null || !canSeal) {
      if (canSeal) {
        await signedOutPage();
      }
      return;
    }
    const change = document.querySelector('form input[name="new_password"]');
    if (change) {
      bindKeyMaking(change.form, change, () => username);
    }
    if (keepsDay) {
      bindForms();
    }
    bindSignOut();
    if (!keepsDay) {
      keyFound(null);
      return;
    }
    const facts = await ask({ type: "session", staff: me, username, idleMs,
                              lifetimeLeftMs: Number(sessionMeta.dataset.lifetimeLeftMs) });
    key = ((await ask({ type: "key?" })) || {}).key || null;
    keptAt = facts && facts.keptAt;
    keyFound(key);
    watchIdle();
    showKept();
    if (!key && navigator.onLine && (await activeWorker())) {
      unlockPrompt();   // the browser started again: the day is kept once unlocked
    }
    await render();
    keepDay();
    window.addEventListener("online", () => { wait = FIRST_RETRY_MS; send(); });
    window.addEventListener("offline", render);
    send();
  }

  start();
})();
