/* Pantau service worker: static files cache-first; pages network-first with the last copy kept
 * for offline reading. Pages (and the photos shown on them) are cached per device and deleted at
 * sign-out or when another user signs in (offline.js).
 *
 * A page is filed under its address with the query parameters sorted and empty ones dropped, and
 * also under the canonical address the server names in a `Link: <...>; rel="canonical"` header,
 * so that `/monitoring/` opened from the menu is found again offline by a breadcrumb that links
 * `/monitoring/?opd=3&tahun=2026&bulan=1`. A page never opened on this phone is answered with the
 * offline page (menu, queue of reports, the pages that can be read) kept at OFFLINE. */
"use strict";
var STATIC = "pantau-static-v3", PAGES = "pantau-pages";
var START = "/";            // the installed app's start page (manifest start_url without `source`)
var OFFLINE = "/luring/";   // core:luring
var IGNORED = ["source"];   // parameters that do not change what a page shows
var MAX_PAGES = 120;        // pages and photos; the oldest go first beyond this
var DAY = 24 * 3600 * 1000;

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

/* The cache key of an address: same origin, no fragment, parameters sorted, empty and ignored
 * ones dropped. */
function key(address) {
  var u = new URL(address, self.location.origin), params = [];
  u.searchParams.forEach(function (value, name) {
    if (value !== "" && IGNORED.indexOf(name) < 0) params.push([name, value]);
  });
  params.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
  u.search = new URLSearchParams(params).toString();
  u.hash = "";
  return u.href;
}

function canonical(res) {
  var m = /<([^>]+)>\s*;\s*rel="?canonical"?/.exec(res.headers.get("Link") || "");
  if (!m) return null;
  var u = new URL(m[1], self.location.origin);
  return u.origin === self.location.origin ? u.href : null;
}

function trim(cache) {
  var keep = [key(START), key(OFFLINE)];
  return cache.keys().then(function (reqs) {
    var old = reqs.filter(function (r) { return keep.indexOf(r.url) < 0; });
    return Promise.all(old.slice(0, Math.max(0, old.length - MAX_PAGES)).map(function (r) { return cache.delete(r); }));
  });
}

/* File a page under its address and its canonical address. Call it before `res` is read. */
function keep(address, res) {
  var keys = [key(address)], canon = canonical(res);
  if (canon && keys.indexOf(key(canon)) < 0) keys.push(key(canon));
  var copies = keys.map(function () { return res.clone(); });
  return caches.open(PAGES).then(function (cache) {
    return Promise.all(keys.map(function (k, i) { return cache.put(k, copies[i]); }))
      .then(function () { return trim(cache); });
  });
}

function fromCache(address) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(key(address), { ignoreVary: true }).then(function (hit) {
      return hit || cache.match(key(OFFLINE), { ignoreVary: true }).then(function (page) { return page || offlinePage(); });
    });
  });
}

// A page or file showing a rahasia item says `Pantau-Offline: no` (pantau/core/web.py): it is
// never kept on the phone, and a copy kept before it became rahasia is deleted.
function secret(res) { return res.headers.get("Pantau-Offline") === "no"; }
function cacheable(res) { return res.ok && !res.redirected && res.type === "basic" && !secret(res); }
function forget(address) {
  return caches.open(PAGES).then(function (cache) { return cache.delete(key(address)); });
}
// Pages only: a download opened as a page (XLSX, PDF, CSV) is not kept.
function isPage(res) { return (res.headers.get("Content-Type") || "").indexOf("text/html") === 0; }

/* Fetch and keep a page that is missing (or, with maxAge, older than that or in another
 * language than `lang`). */
function keepIfMissing(address, maxAge, lang) {
  return caches.open(PAGES).then(function (cache) { return cache.match(key(address), { ignoreVary: true }); })
    .then(function (hit) {
      var date = hit && Date.parse(hit.headers.get("Date") || "");
      var fresh = hit && (!maxAge || (date && Date.now() - date < maxAge)) &&
        (!lang || !hit.headers.get("Content-Language") || hit.headers.get("Content-Language") === lang);
      if (fresh) return null;
      // A redirect (the session ended: to the sign-in page) is not followed: there is nothing to
      // keep, and rendering the sign-in form here would set a second CSRF cookie behind the
      // back of the sign-in page the person is filling in (whose token would then be refused).
      return fetch(address, { credentials: "same-origin", redirect: "manual" }).then(function (res) {
        return cacheable(res) && isPage(res) ? keep(address, res) : null;
      }, function () { return null; });
    });
}

/* A signed-in page asks to keep the start page and the offline page, and itself when it was
 * loaded before this worker controlled it (its navigation was never seen here). */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "simpan") return;
  var jobs = [keepIfMissing(START, 0), keepIfMissing(OFFLINE, DAY, data.bahasa)];
  if (data.halaman && new URL(data.halaman).origin === self.location.origin) jobs.push(keepIfMissing(data.halaman, 0));
  event.waitUntil(Promise.all(jobs));
});

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
  if (url.pathname.indexOf("/admin/") === 0) return;
  if (req.mode === "navigate") {
    event.respondWith(fetch(req).then(function (res) {
      if (cacheable(res) && isPage(res)) event.waitUntil(keep(req.url, res));
      else if (secret(res)) event.waitUntil(forget(req.url));
      return res;
    }, function () { return fromCache(req.url); }));
    return;
  }
  if (req.destination === "image") {  // photos on the pages seen (evidence thumbnails)
    event.respondWith(fetch(req).then(function (res) {
      if (secret(res)) event.waitUntil(forget(req.url));
      if (cacheable(res)) {
        var copy = res.clone();
        event.waitUntil(caches.open(PAGES).then(function (cache) {
          return cache.put(key(req.url), copy).then(function () { return trim(cache); });
        }));
      }
      return res;
    }, function () {
      return caches.open(PAGES).then(function (cache) { return cache.match(key(req.url), { ignoreVary: true }); })
        .then(function (hit) { return hit || Response.error(); });
    }));
  }
});
