// The service worker: keeps today's pages on the tablet, and nothing more.
//
// Hand-written rather than Workbox: what it does is three small rules (static files
// cache-first, today's pages network-first with the kept copy as fallback, everything
// else untouched), plus forgetting on sign-out or session end, which Workbox would not
// do for us. Workbox would add a build step or a 20 KB runtime for the first two.
//
// Kept pages: /today, and for the users on it their page and the three forms a nurse
// fills in (complete a visit, a follow-up, «what matters»). Nothing else is cached.
"use strict";

const STATIC_CACHE = "homecare-static-v1";
const PAGE_CACHE = "homecare-pages";
const META = "/__homecare/session";
const SIGN_OUT_LATER = "/__homecare/sign-out";
const KEPT_AT = "X-Homecare-Kept-At";
const STATIC_FILES = [
  "/offline", "/static/css/app.css", "/static/js/offline.js", "/static/vendor/idb.umd.js",
  "/static/js/visit_times.js", "/static/icons/icon.svg", "/static/icons/icon-192.png",
];
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
// The forms a nurse fills in at a visit, found in the kept user pages' links.
const FORMS = [`/users/${UUID}/what-matters/new`, `/users/${UUID}/goals/${UUID}/check-in`,
               `/visits/${UUID}/complete`];
const KEPT = ["/today", `/users/${UUID}`, ...FORMS].map((path) => new RegExp(`^${path}$`));
const FORM_LINKS = new RegExp(FORMS.join("|"), "g");

const isKept = (path) => KEPT.some((rule) => rule.test(path));
const pageKey = (url) => new URL(url, self.location.origin).pathname;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    // Without the session: the fallback page must name nobody.
    await cache.addAll(STATIC_FILES.map((url) => new Request(url, { credentials: "omit" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("homecare-static-")
                                             && name !== STATIC_CACHE)
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
  await caches.delete(PAGE_CACHE);
  const cache = await caches.open(STATIC_CACHE);
  await cache.delete(META);
}

// The server saw the session just now (a page or the sync answered): its idle time
// starts again from here.
async function touched() {
  const session = await readSession();
  if (session) {
    session.lastContact = Date.now();
    await writeSession(session);
  }
}

function ended(session) {
  const now = Date.now();
  return !session || now - session.lastContact >= session.idleMs || now >= session.endsAt;
}

// -- keeping pages ---------------------------------------------------------------------

// A page kept less than this long ago is not fetched again when /today is opened: a
// nurse going back and forth to /today would otherwise re-read every user's record.
// Opening a page with signal always fetches it afresh.
const KEEP_FRESH_MS = 10 * 60 * 1000;

// The fetch says why it is made, with the ticket the server signed for today's users:
// the access log tells a page kept for later from one a person opened
// (core.audit.KEPT_HEADER).
async function keep(url, ticket) {
  const cache = await caches.open(PAGE_CACHE);
  const kept = await cache.match(pageKey(url));
  if (kept && Date.now() - Number(kept.headers.get(KEPT_AT)) < KEEP_FRESH_MS) {
    return kept.text();
  }
  const response = await fetch(url, { credentials: "same-origin",
                                      headers: { "X-Homecare-Keep": ticket || "" } });
  if (!response.ok || response.redirected) {
    return null;
  }
  await store(cache, pageKey(url), response.clone());
  return response.text();
}

// The copy is marked with when it was kept, by the tablet's clock (the server's may
// differ).
async function store(cache, path, response) {
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  await cache.put(path, new Response(await response.blob(), {
    status: response.status, statusText: response.statusText, headers }));
}

// Keep /today's users' pages and their forms; drop the pages of users no longer on it.
async function keepDay(userPages, ticket) {
  const wanted = new Set(["/today"]);
  const forms = new Set();
  await keep("/today", ticket).catch(() => null);
  for (const url of userPages) {
    wanted.add(pageKey(url));
    const html = await keep(url, ticket).catch(() => null);
    for (const match of (html || "").matchAll(FORM_LINKS)) {
      forms.add(match[0]);
    }
  }
  for (const form of forms) {
    wanted.add(form);
    await keep(form, ticket).catch(() => null);
  }
  const cache = await caches.open(PAGE_CACHE);
  for (const request of await cache.keys()) {
    if (!wanted.has(pageKey(request.url))) {
      await cache.delete(request);
    }
  }
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  const work = (async () => {
    if (message.type === "session") {
      // Sent by every page, including one shown from the cache: only a person new to
      // the tablet (just signed in, so just seen by the server) starts a session here.
      const session = await readSession();
      if (!session || session.staff !== message.staff) {
        await forgetPages();   // someone else signed in on this tablet
        await writeSession({ staff: message.staff, idleMs: message.idleMs,
                             endsAt: Date.now() + message.lifetimeLeftMs,
                             lastContact: Date.now() });
      }
    } else if (message.type === "keep-day") {
      await keepDay(message.userPages, message.ticket);
    } else if (message.type === "forget") {
      await forgetPages();
    } else if (message.type === "sign-out-later") {
      const cache = await caches.open(STATIC_CACHE);
      await cache.put(SIGN_OUT_LATER, new Response("yes"));
    }
  })();
  event.waitUntil(work);
  if (event.ports[0]) {
    work.then(() => event.ports[0].postMessage("done"),
              () => event.ports[0].postMessage("failed"));
  }
});

// -- answering requests ----------------------------------------------------------------

async function fallback() {
  return (await caches.match("/offline")) || new Response("", { status: 503 });
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
  try {
    await finishSignOut();
    const response = await fetch(request);
    if (response.redirected && pageKey(response.url) === "/login") {
      await forgetPages();   // the session ended: nothing of it stays on the tablet
    } else if (response.ok && isKept(path)) {
      await touched();
      await store(await caches.open(PAGE_CACHE), path, response.clone());
    }
    return response;
  } catch (offline) {
    const session = await readSession();
    if (ended(session)) {
      await forgetPages();
      return fallback();
    }
    const cache = await caches.open(PAGE_CACHE);
    return (await cache.match(path)) || fallback();
  }
}

// The kept copy at once, and a fresh one for next time when there is signal.
async function staticFile(request, event) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
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
