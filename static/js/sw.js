// The service worker: keeps today's pages on the tablet, sealed, and nothing more.
//
// Hand-written rather than Workbox: what it does is a few small rules (static files
// cache-first, today's pages network-first with the kept copy as fallback, everything
// else untouched), plus sealing, locking and forgetting, which Workbox would not do for
// us. Workbox would add a build step or a 20 KB runtime for the first two.
//
// Kept pages: /today, and for the users on it their page and the three forms a nurse
// fills in (complete a visit, a follow-up, «what matters»). They are stored encrypted
// under the signed-in person's key (static/js/seal.js), which lives in memory only:
// after the idle time without signal, or after the browser starts again, a kept page
// shows the lock (/offline/lock) until the person types their password.
"use strict";

importScripts("/static/vendor/idb.umd.js", "/static/js/seal.js");

const STATIC_CACHE = "homecare-static-v2";
const PAGE_CACHE = "homecare-pages";
const META = "/__homecare/session";
const SIGN_OUT_LATER = "/__homecare/sign-out";
const KEPT_AT = "X-Homecare-Kept-At";
const VERSION = "X-Homecare-Version";
const FORMS_FOUND = "X-Homecare-Forms";
const TYPE = "X-Homecare-Type";
const OURS = [KEPT_AT, VERSION, FORMS_FOUND, TYPE];
const STATIC_FILES = [
  "/offline", "/offline/lock", "/static/css/app.css", "/static/js/offline.js",
  "/static/js/seal.js", "/static/js/visit_times.js", "/static/vendor/idb.umd.js",
  "/static/icons/icon.svg", "/static/icons/icon-192.png",
];
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
// The forms a nurse fills in at a visit, found in the kept user pages' links.
const FORMS = [`/users/${UUID}/what-matters/new`, `/users/${UUID}/goals/${UUID}/check-in`,
               `/visits/${UUID}/complete`];
const KEPT = ["/today", `/users/${UUID}`, ...FORMS].map((path) => new RegExp(`^${path}$`));
const FORM_LINKS = new RegExp(FORMS.join("|"), "g");
// Pages fetched at once while keeping the day: a slow connection's round trips overlap,
// and a browser opens at most six connections to one server.
const AT_ONCE = 6;

const isKept = (path) => KEPT.some((rule) => rule.test(path));
const pageKey = (url) => new URL(url, self.location.origin).pathname;
const seal = self.homecareSeal;

// In memory only: the key of the person whose day is kept (gone when the worker or the
// browser stops), a key made at sign-in not yet confirmed by a signed-in page, and the
// keeping under way (one at a time).
let unlocked = null;   // { staff, username, key }
let pending = null;    // { username, salt, verifier, key, iterations }
let keeping = null;
// When each static file was last fetched afresh (see staticFile).
const STATIC_FRESH_MS = 10 * 60 * 1000;
const revalidated = new Map();

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    // Without the session: the fallback and lock pages must name nobody.
    await cache.addAll(STATIC_FILES.map((url) => new Request(url, { credentials: "omit" })));
    STATIC_FILES.forEach((path) => revalidated.set(path, Date.now()));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    // Pages kept by an earlier worker were not sealed: they go.
    await Promise.all(names.filter((name) => (name.startsWith("homecare-static-")
                                              && name !== STATIC_CACHE) || name === PAGE_CACHE)
                           .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// -- the session: who the pages are for, and until when they may be shown -----------

async function readSession() {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(META);
  return kept ? kept.json() : null;
}

async function writeSession(session) {
  const cache = await caches.open(STATIC_CACHE);
  await cache.put(META, new Response(JSON.stringify(session),
                                     { headers: { "Content-Type": "application/json" } }));
}

async function forgetPages() {
  keeping = null;
  await caches.delete(PAGE_CACHE);
  const cache = await caches.open(STATIC_CACHE);
  await cache.delete(META);
}

async function updateSession(change) {
  const session = await readSession();
  if (session) {
    Object.assign(session, change);
    await writeSession(session);
  }
  return session;
}

// The server saw the session just now (a page or the sync answered), and the person
// is using the tablet: both idle clocks start again.
const touched = () => updateSession({ lastContact: Date.now(), lastActivity: Date.now() });

const lifetimeOver = (session) => !session || Date.now() >= session.endsAt;
// Without signal, the tablet locks after the session's idle time without use.
const idle = (session) => Date.now() - (session.lastActivity || session.lastContact)
  >= session.idleMs;

function keyFor(session) {
  return unlocked && session && unlocked.staff === session.staff ? unlocked.key : null;
}

// -- locks: each person's verifier, and their key once they unlock ----------------------

async function lockOf(username) {
  return (await self.homecareStore.open()).get("locks", username);
}

// A key made at sign-in (or a change of password) becomes the person's once a page of
// their session shows that the server accepted the password it came from. A new
// password re-seals what waits in their queue under the new key.
async function adopt(staff, username) {
  if (!pending || pending.username !== username) {
    return;
  }
  const made = pending;
  pending = null;
  const db = await self.homecareStore.open();
  const earlier = await db.get("locks", username);
  if (earlier && seal.same(earlier.verifier, made.verifier)) {
    unlocked = { staff, username, key: made.key };
    return;
  }
  const old = earlier && unlocked && unlocked.username === username ? unlocked.key : null;
  const lock = await seal.newLock(username, staff, made, made.salt);
  if (old) {
    await reseal(staff, old, made.key);
  } else if (earlier) {
    // Changed elsewhere: what waits under the old password opens with it (offline.js
    // asks for it), and is sealed again under the new one.
    const { salt, verifier, iterations, check } = earlier;
    lock.previous = earlier.previous || { salt, verifier, iterations, check };
  }
  await db.put("locks", lock);
  await caches.delete(PAGE_CACHE);   // sealed under the old key: kept again
  unlocked = { staff, username, key: made.key };
}

// The first page the server answers with a session after a sign-in (or a change of
// password) names the person: the key made from the password they typed is theirs.
// A change of password refused shows its form again: no key is adopted from it.
const SESSION_META = /<meta name="homecare-session"[^>]*>/;
const attribute = (tag, name) => (new RegExp(`${name}="([^"]*)"`).exec(tag) || [])[1];

async function adoptFrom(response, path) {
  if (!pending || path === "/account/password") {
    return;
  }
  const tag = (SESSION_META.exec(await response.text()) || [])[0];
  if (tag) {
    const facts = { staff: Number(attribute(tag, "content")),
                    username: attribute(tag, "data-username"),
                    idleMs: Number(attribute(tag, "data-idle-ms")),
                    lifetimeLeftMs: Number(attribute(tag, "data-lifetime-left-ms")) };
    await startSession(facts);
    await adopt(facts.staff, facts.username);
  }
}

async function reseal(staff, oldKey, newKey) {
  const db = await self.homecareStore.open();
  for (const item of await db.getAll("queue")) {
    if (item.owner === staff && item.sealed) {
      item.sealed = await seal.sealJson(newKey, await seal.openJson(oldKey, item.sealed));
      await db.put("queue", item);
    }
  }
}

// A page that holds the key hands it back to a worker that started again.
async function takeKey(staff, key) {
  const session = await readSession();
  if (!session || session.staff !== staff || unlocked) {
    return;
  }
  const lock = (await (await self.homecareStore.open()).getAll("locks"))
    .find((each) => each.staff === staff);
  if (lock && await seal.opensCheck(key, lock.check)) {
    unlocked = { staff, username: lock.username, key };
  }
}

// -- keeping pages ---------------------------------------------------------------------

// The copy is sealed, and marked with when it was kept (by the tablet's clock: the
// server's may differ), the version of the day it was kept for, and the forms it
// links to.
async function store(path, response, key, marks = {}) {
  const headers = new Headers(response.headers);
  ["Content-Length", "Content-Encoding"].forEach((name) => headers.delete(name));
  headers.set(TYPE, response.headers.get("Content-Type") || "text/html");
  headers.set("Content-Type", "application/octet-stream");
  headers.set(KEPT_AT, String(Date.now()));
  Object.entries(marks).forEach(([name, value]) => headers.set(name, value));
  const body = await seal.seal(key, await response.arrayBuffer());
  await (await caches.open(PAGE_CACHE)).put(path, new Response(body, {
    status: response.status, statusText: response.statusText, headers }));
}

async function openKept(path, key) {
  const kept = await (await caches.open(PAGE_CACHE)).match(path);
  if (!kept) {
    return null;
  }
  const headers = new Headers(kept.headers);
  headers.set("Content-Type", kept.headers.get(TYPE) || "text/html");
  OURS.forEach((name) => headers.delete(name));
  try {
    return new Response(await seal.open(key, await kept.arrayBuffer()), { status: 200, headers });
  } catch (wrongKey) {
    return null;
  }
}

// Fetch a page for keeping; the fetch says why it is made, with the ticket the server
// signed for today's users: the access log tells a page kept for later from one a person
// opened (core.audit.KEPT_HEADER). Null if it could not be kept.
async function fetchToKeep(path, ticket, key, marks) {
  const response = await fetch(path, { credentials: "same-origin",
                                       headers: { "X-Homecare-Keep": ticket || "" } });
  if (!response.ok || response.redirected) {
    return null;
  }
  const html = await response.clone().text();
  const forms = isKept(path) && path.startsWith("/users/") && !path.includes("/", 7)
    ? [...new Set([...html.matchAll(FORM_LINKS)].map((match) => match[0]))] : [];
  await store(path, response, key, { ...marks, [FORMS_FOUND]: forms.join(" ") });
  return forms;
}

// Run ``work`` over ``items``, ``AT_ONCE`` at a time.
async function pooled(items, work) {
  const queue = [...items];
  const runners = Array.from({ length: Math.min(AT_ONCE, queue.length) }, async () => {
    while (queue.length) {
      await work(queue.shift()).catch(() => null);
    }
  });
  await Promise.all(runners);
}

// Keep today's users' pages and their forms, fetching only those whose version changed
// (each user's version comes with /today: offline/versions.py); drop the pages of users
// no longer on it. /today itself is kept when it is opened.
async function keepDay(userPages, ticket, key) {
  const cache = await caches.open(PAGE_CACHE);
  const wanted = new Set(["/today"]);
  const changed = [];
  const forms = new Set();
  for (const { path, version } of userPages) {
    wanted.add(path);
    const kept = await cache.match(path);
    if (kept && version && kept.headers.get(VERSION) === version) {
      for (const form of (kept.headers.get(FORMS_FOUND) || "").split(" ").filter(Boolean)) {
        forms.add(form);
        wanted.add(form);
        if (!(await cache.match(form))) {
          changed.push({ path: form, version });   // kept once, lost since
        }
      }
    } else {
      changed.push({ path, version });
    }
  }
  const changedForms = [];
  await pooled(changed, async ({ path, version }) => {
    const found = await fetchToKeep(path, ticket, key, { [VERSION]: version || "" });
    (found || []).forEach((form) => { changedForms.push([form, version]); wanted.add(form); });
  });
  const direct = new Set(changed.map(({ path }) => path));
  await pooled(changedForms.filter(([form]) => !forms.has(form) && !direct.has(form)),
               ([form, version]) => fetchToKeep(form, ticket, key, { [VERSION]: version || "" }));
  for (const request of await cache.keys()) {
    if (!wanted.has(pageKey(request.url))) {
      await cache.delete(request);
    }
  }
  await updateSession({ keptAt: Date.now() });
}

// One keeping at a time: a second «I dag» opened meanwhile waits for the first.
function keepDayOnce(userPages, ticket, session) {
  const key = keyFor(session);
  if (!key) {
    return Promise.resolve();
  }
  keeping = keeping || keepDay(userPages, ticket, key).finally(() => { keeping = null; });
  return keeping;
}

async function status() {
  const session = await readSession();
  return { keptAt: session && session.keptAt, keeping: Boolean(keeping),
           unlocked: Boolean(keyFor(session)), staff: session && session.staff,
           username: unlocked ? unlocked.username : session && session.username };
}

// Only a person new to the tablet (just signed in, so just seen by the server) starts
// a session here; every page of a session says whose it is, also one shown from the
// cache.
async function startSession(facts) {
  const session = await readSession();
  if (session && session.staff === facts.staff) {
    return;
  }
  await forgetPages();   // someone else signed in on this tablet
  if (unlocked && unlocked.staff !== facts.staff) {
    unlocked = null;
  }
  await writeSession({ staff: facts.staff, username: facts.username, idleMs: facts.idleMs,
                       endsAt: Date.now() + facts.lifetimeLeftMs, lastContact: Date.now(),
                       lastActivity: Date.now() });
}

const HANDLERS = {
  async session(message) {
    await startSession(message);
    return status();
  },
  async pending(message) {
    pending = message.lock;
  },
  async "give-key"(message) {
    await takeKey(message.staff, message.key);
    return status();
  },
  async "key?"() {
    const session = await readSession();
    return { key: keyFor(session) };
  },
  async activity() {
    await updateSession({ lastActivity: Date.now() });
  },
  async status() {
    return status();
  },
  async "keep-day"(message) {
    await keepDayOnce(message.userPages, message.ticket, await readSession());
    return status();
  },
  async lock() {
    unlocked = null;
  },
  async forget() {
    unlocked = null;
    pending = null;
    await forgetPages();
  },
  async "sign-out-later"() {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(SIGN_OUT_LATER, new Response("yes"));
  },
};

self.addEventListener("message", (event) => {
  const message = event.data || {};
  const handler = HANDLERS[message.type];
  const work = handler ? handler(message) : Promise.resolve(null);
  event.waitUntil(work.catch(() => null));
  if (event.ports[0]) {
    work.then((answer) => event.ports[0].postMessage(answer === undefined ? null : answer),
              () => event.ports[0].postMessage(null));
  }
});

// -- answering requests ----------------------------------------------------------------

async function fallback() {
  return (await caches.match("/offline")) || new Response("", { status: 503 });
}

async function lockPage() {
  return (await caches.match("/offline/lock")) || fallback();
}

// Someone signed out without signal: end their server session before anything else
// reaches the server, so that the next page is not theirs.
async function finishSignOut() {
  const cache = await caches.open(STATIC_CACHE);
  if (!(await cache.match(SIGN_OUT_LATER))) {
    return;
  }
  const session = await fetch("/offline/session", { credentials: "same-origin",
                                                     headers: { "Accept": "application/json" } });
  if (session.ok && !session.redirected) {
    const body = new URLSearchParams({ csrf_token: (await session.json()).csrf_token });
    await fetch("/logout", { method: "POST", body, credentials: "same-origin",
                             redirect: "manual" });
  }
  await cache.delete(SIGN_OUT_LATER);
}

async function page(request) {
  const path = pageKey(request.url);
  let response;
  try {
    await finishSignOut();
    response = await fetch(request);
  } catch (offline) {
    return keptPage(path);
  }
  if (response.redirected && pageKey(response.url) === "/login") {
    unlocked = null;
    await forgetPages();   // the session ended: nothing of it stays on the tablet
  } else if (response.ok) {
    await adoptFrom(response.clone(), path);
  }
  if (response.ok && isKept(path)) {
    const session = await touched();
    const key = keyFor(session);
    if (key) {
      await store(path, response.clone(), key);
    }
  }
  return response;
}

// Without signal: the kept copy, if the session may still show it and the tablet is
// unlocked; the lock page if idle or not unlocked since the browser started.
async function keptPage(path) {
  const session = await readSession();
  if (lifetimeOver(session)) {
    await forgetPages();
    return fallback();
  }
  if (!isKept(path)) {
    return fallback();
  }
  if (idle(session)) {
    unlocked = null;
  }
  const key = keyFor(session);
  if (!key) {
    return lockPage();
  }
  return (await openKept(path, key)) || fallback();
}

// The kept copy at once, and a fresh one for next time when there is signal, at most
// every few minutes for each file (every page load would fetch them all again, on a
// slow connection beside the pages being kept).

async function staticFile(request, event) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  const path = pageKey(request.url);
  if (kept && Date.now() - (revalidated.get(path) || 0) < STATIC_FRESH_MS) {
    return kept;
  }
  revalidated.set(path, Date.now());
  const fresh = fetch(request).then(async (response) => {
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => null));
    return kept;
  }
  return fresh;
}

async function sync(request) {
  const response = await fetch(request);
  if (response.ok) {
    await touched();
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && request.method === "GET") {
    event.respondWith(page(request));
  } else if (request.method === "GET" && url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request, event));
  } else if (request.method === "POST" && url.pathname === "/api/v1/sync") {
    event.respondWith(sync(request));
  }
});
