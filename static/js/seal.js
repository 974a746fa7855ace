// Sealing what the tablet keeps, with a key only the person's password opens.
//
// Used by the pages and by the service worker (importScripts). The kept pages and the
// queue are stored encrypted (AES-GCM, 256 bits) under a key derived from the person's
// password when they sign in (PBKDF2-HMAC-SHA256, 600,000 iterations: OWASP's Password
// Storage Cheat Sheet, 2023), split with HKDF into
// - a verifier, stored, against which the password is checked on the tablet to unlock
//   it without signal (one PBKDF2 per guess, as for the person), and
// - the key, never stored: a non-extractable CryptoKey held in memory by the worker and
//   the open pages, gone when the browser stops. After a restart nothing kept can be
//   read until the person unlocks (README, "On the tablet": the threat model).
(function (scope) {
  "use strict";

  const ITERATIONS = 600000;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
  const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const newSalt = () => toBase64(crypto.getRandomValues(new Uint8Array(16)));

  // What the password gives: { verifier (base64), key (CryptoKey, not extractable) }.
  async function derive(password, salt, iterations = ITERATIONS) {
    const material = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2",
                                                   false, ["deriveBits"]);
    const master = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: fromBase64(salt), iterations }, material, 256);
    const hkdf = await crypto.subtle.importKey("raw", master, "HKDF", false,
                                               ["deriveBits", "deriveKey"]);
    const info = (label) => ({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32),
                               info: encoder.encode(label) });
    const verifier = await crypto.subtle.deriveBits(info("homecare verifier"), hkdf, 256);
    const key = await crypto.subtle.deriveKey(info("homecare kept pages"), hkdf,
                                              { name: "AES-GCM", length: 256 }, false,
                                              ["encrypt", "decrypt"]);
    return { verifier: toBase64(verifier), key };
  }

  // Equal strings, compared in time independent of where they differ.
  function same(a, b) {
    if (typeof a !== "string" || typeof b !== "string" || a.length !== b.length) {
      return false;
    }
    let difference = 0;
    for (let i = 0; i < a.length; i += 1) {
      difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
    }
    return difference === 0;
  }

  // Bytes in, bytes out (ArrayBuffer: a fresh 12-byte nonce, then the ciphertext).
  async function seal(key, bytes) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, bytes);
    const out = new Uint8Array(12 + sealed.byteLength);
    out.set(iv);
    out.set(new Uint8Array(sealed), 12);
    return out.buffer;
  }

  async function open(key, sealed) {
    const bytes = new Uint8Array(sealed);
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, key,
                                 bytes.slice(12));
  }

  const sealJson = (key, value) => seal(key, encoder.encode(JSON.stringify(value)));
  const openJson = async (key, sealed) => JSON.parse(decoder.decode(await open(key, sealed)));

  // A key is the person's if it opens the check sealed when their lock was made.
  async function opensCheck(key, check) {
    try {
      return (await openJson(key, check)) === "homecare";
    } catch (wrongKey) {
      return false;
    }
  }

  // A new lock for a person: what is stored (salt, verifier, check) and the key.
  async function newLock(username, staff, derived, salt) {
    return { username, staff, salt, verifier: derived.verifier, iterations: ITERATIONS,
             check: await sealJson(derived.key, "homecare") };
  }

  scope.homecareSeal = { ITERATIONS, derive, same, seal, open, sealJson, openJson, newSalt,
                         opensCheck, newLock };
})(self);

// The tablet's store (IndexedDB), the same for the pages and the worker: the queue of
// records to send (sealed), a few facts (meta) and each person's lock.
(function (scope) {
  "use strict";

  let opened = null;
  scope.homecareStore = {
    NAME: "homecare-offline",
    open() {
      opened = opened || scope.idb.openDB("homecare-offline", 2, {
        upgrade(db, oldVersion) {
          if (oldVersion < 1) {
            db.createObjectStore("queue", { keyPath: "id" });
            db.createObjectStore("meta");
          }
          db.createObjectStore("locks", { keyPath: "username" });
        },
        blocking() {   // another page or the worker wants to delete or upgrade it
          if (opened) {
            opened.then((db) => db.close());
            opened = null;
          }
        },
      });
      return opened;
    },
    async close() {
      if (opened) {
        (await opened).close();
        opened = null;
      }
    },
  };
})(self);
