/* Pantau service worker: static files cache-first; pages network-first with the last copy kept
 * for offline reading. Pages are cached per device and deleted at sign-out (offline.js). */
"use strict";
var STATIC = "pantau-static-v1", PAGES = "pantau-pages";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("pantau-static-") === 0 && k !== STATIC; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage() {
  return new Response(
    '<!doctype html><html lang="id"><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    "<title>Luring · Pantau</title><body style=\"font-family:sans-serif;padding:1rem\"><h1>Anda sedang luring</h1>" +
    "<p>Halaman ini belum pernah dibuka di ponsel ini. Buka kembali saat tersambung.</p>" +
    '<p lang="en">You are offline and this page has not been opened on this device before.</p></body></html>',
    { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(req).then(function (hit) {
        return hit || fetch(req).then(function (res) { if (res.ok) cache.put(req, res.clone()); return res; });
      });
    }));
    return;
  }
  if (req.mode === "navigate" && url.pathname.indexOf("/admin/") !== 0) {
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok && !res.redirected) {
        var copy = res.clone();
        caches.open(PAGES).then(function (cache) { cache.put(req, copy); });
      }
      return res;
    }, function () {
      return caches.open(PAGES).then(function (cache) {
        return cache.match(req).then(function (hit) { return hit || offlinePage(); });
      });
    }));
  }
});
