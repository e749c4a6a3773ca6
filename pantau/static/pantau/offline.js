/* Pantau offline support: service worker registration, and a device-side queue for monthly
 * reports made without a connection. Each queued report keeps its idempotency key (kunci), so a
 * report delivered twice by a flaky connection is applied once on the server.
 *
 * Order: versions are numbered when queued (not by the clock, which a phone may set back) and
 * sent one at a time, oldest first, by one tab at a time; a version that cannot get through
 * holds back the later versions of the same report, and a version sent online waits for the
 * older ones still queued, so an old version never overwrites a correction. A form is locked
 * while its submission is stored or sent and keeps what was typed (decision 0007). */
(function () {
  "use strict";
  var script = document.currentScript;
  var USER = document.body.getAttribute("data-user") || "";
  var T = JSON.parse(document.getElementById("offline-texts").textContent);
  var DB_NAME = "pantau", STORE = "antrean", PAGES = "pantau-pages";

  if ("serviceWorker" in navigator && script && script.dataset.sw) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {});
  }

  function db() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "kunci" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode), store = t.objectStore(STORE), out = fn(store);
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function order(a, b) { return (a.seq || 0) - (b.seq || 0) || a.created - b.created; }
  function all() { return tx("readonly", function (s) { return s.getAll(); }).then(function (items) {
    return (items || []).filter(function (i) { return i.user === USER; }).sort(order);  // as made
  }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  // Queue behind every item on the phone: its number is taken in the same transaction.
  function append(item) {
    return tx("readwrite", function (s) {
      var req = s.getAll();
      req.onsuccess = function () {
        item.seq = req.result.reduce(function (m, i) { return Math.max(m, i.seq || 0); }, 0) + 1;
        s.put(item);
      };
    });
  }
  function reportOf(url) { return new URL(url, location.href).pathname; }
  function waitingFor(url) {
    return all().then(function (items) {
      return items.some(function (i) { return i.status === "menunggu" && reportOf(i.url) === reportOf(url); });
    });
  }
  function remove(kunci) { return tx("readwrite", function (s) { s.delete(kunci); }); }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return Date.now().toString(16) + Math.random().toString(16).slice(2);
  }
  function toEntries(fd) {
    var out = [];
    fd.forEach(function (value, name) {
      // (an empty file input gives a nameless empty File; a named empty file is sent, and refused)
      if (value instanceof File) { if (value.size || value.name) out.push([name, value, value.name]); }
      else out.push([name, value]);
    });
    return out;
  }
  function toFormData(entries) {
    var fd = new FormData();
    entries.forEach(function (e) { if (e.length === 3) fd.append(e[0], e[1], e[2]); else fd.append(e[0], e[1]); });
    fd.set("csrfmiddlewaretoken", csrf());  // the current token, not the one of the (old) page
    return fd;
  }

  /* POST one report. Resolves {kind, data}: "ok"; "invalid" (the server refused it: keep it,
   * marked, with the reason); "retry" (server trouble: try again later); "offline" (no network)
   * or "login" (signed out): stop sending until the situation changes. */
  function send(url, entries) {
    return fetch(url, {
      method: "POST", body: toFormData(entries), credentials: "same-origin",
      headers: { "X-Pantau-Sync": "1", "X-CSRFToken": csrf() }
    }).then(function (r) {
      var type = r.headers.get("Content-Type") || "";
      if (r.redirected && /\/masuk\//.test(r.url)) return { kind: "login" };
      if (type.indexOf("application/json") < 0) {
        if (r.status >= 400 && r.status < 500 && [401, 408, 429].indexOf(r.status) < 0) {
          return { kind: "invalid", data: { errors: [T.refused.replace("%(s)s", r.status)] } };
        }
        return { kind: "retry" };
      }
      return r.json().then(function (data) {
        if (r.ok && data.ok) return { kind: "ok", data: data };
        if (r.status >= 400 && r.status < 500) return { kind: "invalid", data: data };
        return { kind: "retry" };
      }, function () { return { kind: "retry" }; });
    }, function () { return { kind: "offline" }; });
  }

  var running = null, again = false, loginNeeded = false, results = {};
  // One sender per phone: another Pantau tab waits for its turn, then finds what is left.
  function exclusive(fn) {
    return navigator.locks && navigator.locks.request ? navigator.locks.request("pantau-antrean", fn) : fn();
  }
  function sendQueued() {
    if (!navigator.onLine) return Promise.resolve();
    return all().then(function (items) {
      var held = {}, chain = Promise.resolve(true);
      items.forEach(function (item) {
        chain = chain.then(function (go) {
          if (!go || item.status !== "menunggu") return go;
          var report = reportOf(item.url);
          if (held[report]) return true;  // an older version of this report is still waiting
          return send(item.url, item.entries).then(function (res) {
            results[item.kunci] = res;
            if (res.kind === "ok") {
              loginNeeded = false;
              return remove(item.kunci).then(function () { return true; });
            }
            if (res.kind === "invalid") {
              item.status = "gagal"; item.errors = (res.data && res.data.errors) || [];
              return put(item).then(function () { return true; });
            }
            held[report] = true;
            if (res.kind === "login") { loginNeeded = true; return false; }
            return res.kind === "retry";  // server trouble: carry on with other reports; offline: stop
          });
        });
      });
      return chain;
    });
  }
  /* Send the queue. A call while a send is running is answered when that send is over, and
   * what was queued meanwhile is sent in another round before. */
  function flush() {
    if (running) { again = true; return running; }
    var round = function () {
      again = false;
      return exclusive(sendQueued).then(null, function () {}).then(function () {
        if (again) return round();
        running = null;
      });
    };
    running = round().then(render);
    return running;
  }
  function flushNow() { return flush(); }

  function when(time) {  // 5 Feb 2026 10.00 (in the page's language)
    return new Date(time).toLocaleString(document.documentElement.lang || "id", {
      day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  }
  function render() {
    return all().then(function (items) {
      document.body.dataset.antrean = String(items.length);
      var host = document.getElementById("antrean-offline");
      if (!host) {
        if (!items.length) return;
        host = document.createElement("div"); host.id = "antrean-offline";
        var main = document.querySelector("main"); main.insertBefore(host, main.firstChild);
      }
      host.innerHTML = "";
      if (!items.length) {
        if (host.hasAttribute("data-selalu")) {  // the offline page says so when there is nothing
          var none = document.createElement("p"); none.className = "alert alert-light border small";
          none.textContent = T.empty; host.appendChild(none);
        }
        return;
      }
      var box = document.createElement("section");
      box.className = "alert alert-warning"; box.setAttribute("aria-live", "polite");
      var h = document.createElement("h2"); h.className = "h6";
      h.textContent = T.title.replace("%(n)s", items.length); box.appendChild(h);
      if (loginNeeded) { var p = document.createElement("p"); p.className = "small mb-1"; p.textContent = T.login; box.appendChild(p); }
      var ul = document.createElement("ul"); ul.className = "small mb-2";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.label + " · " + when(item.created) + " · " +
          (item.status === "gagal" ? T.failed + ": " + (item.errors || []).join(" ") : T.waiting);
        if (item.status === "gagal") {
          var del = document.createElement("button"); del.type = "button";
          del.className = "btn btn-link btn-sm p-0 ms-1"; del.textContent = T.discard;
          del.onclick = function () { remove(item.kunci).then(render); };
          li.appendChild(del);
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
      var btn = document.createElement("button"); btn.type = "button";
      btn.className = "btn btn-sm btn-primary"; btn.textContent = T.sendNow;
      btn.onclick = flushNow; box.appendChild(btn);
      host.appendChild(box);
    });
  }

  function showErrors(form, errors, data) {
    // Beside each field and all at once (formulir.js), when the server named the fields.
    if (data && window.pantauForm) { window.pantauForm.showErrors(form, errors, data.fields, data.title); return; }
    var box = form.querySelector("[data-offline-errors]");
    if (!box) { box = document.createElement("div"); box.setAttribute("data-offline-errors", "");
      box.className = "alert alert-danger"; box.setAttribute("role", "alert"); form.prepend(box); }
    box.textContent = errors.join(" ");
    box.scrollIntoView();
  }

  // A message next to a form that needs the connection (at the top of the page for the menu's).
  function say(form, text) {
    var old = document.getElementById("pesan-luring");
    if (old) old.remove();
    var box = document.createElement("p");
    box.id = "pesan-luring"; box.className = "alert alert-warning"; box.setAttribute("role", "alert");
    box.textContent = text;
    var main = document.querySelector("main");
    if (main.contains(form)) { form.parentNode.insertBefore(box, form); box.scrollIntoView({ block: "center" }); return; }
    main.insertBefore(box, main.firstChild);
    // the menu's form (Keluar): the open menu, sticky at the top, would cover the message
    var menu = form.closest(".collapse.show");
    if (menu && window.bootstrap && window.bootstrap.Collapse) {
      menu.addEventListener("hidden.bs.collapse", function () { box.scrollIntoView({ block: "center" }); }, { once: true });
      window.bootstrap.Collapse.getOrCreateInstance(menu, { toggle: false }).hide();
    } else {
      box.scrollIntoView({ block: "center" });
    }
  }
  // Nothing on the form changes while its submission is stored or sent; returns the unlock.
  function lock(form) {
    var controls = Array.prototype.filter.call(form.elements, function (el) { return !el.disabled; });
    controls.forEach(function (el) { el.disabled = true; });
    form.setAttribute("aria-busy", "true");
    return function () {
      controls.forEach(function (el) { el.disabled = false; });
      form.removeAttribute("aria-busy");
    };
  }
  function note(form, text) {
    showErrors(form, [text]);
    form.querySelector("[data-offline-errors]").className = "alert alert-info";
  }
  // Stored on the phone: the form keeps what was typed (it is what was queued); the photos,
  // which are in the queue now, are cleared so that they are not sent twice.
  function enqueue(form, item, text) {
    return append(item).then(function () {
      form.querySelectorAll("input[type=file]").forEach(function (f) { f.value = ""; });
      render();
      note(form, text);
    }, function (err) {
      showErrors(form, [T.storeFailed + " " + (err && err.message ? err.message : "")]);
    });
  }
  function outcome(form, res) {
    if (res.kind === "ok") { location.href = res.data.url; return true; }
    if (res.kind === "invalid") { showErrors(form, (res.data && res.data.errors) || [], res.data); }
    return false;
  }

  /* Sign out by a request the page waits for: on a weak signal (the phone says it is online,
   * nothing gets through) the browser's own submission ends on its error page, and the person
   * leaves believing they signed out while the session still stands on the server. Here the page
   * stays and says so; signed out, it goes to where the server sent it (the sign-in page). */
  function signOutBySending(form) {
    var fd = new FormData(form), token = csrf();
    if (token) fd.set("csrfmiddlewaretoken", token);  // the current token, not the one of an old page
    var unlock = lock(form), button = form.querySelector("button[type=submit]"), label = button && button.textContent;
    if (button) button.textContent = T.signingOut;  // a weak signal may take a while: say what is going on
    var done = function () { unlock(); if (button) button.textContent = label; };
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, 20000) : null;
    fetch(form.action, { method: "POST", body: fd, credentials: "same-origin",
                         signal: abort ? abort.signal : undefined }).then(function (r) {
      clearTimeout(timer);
      if (r.ok) { location.replace(r.redirected ? r.url : "/"); return; }
      done(); form.submit();  // the server refused it (say, an expired form): its own page says why
    }, function () {
      clearTimeout(timer); done();
      say(form, T.signOutOffline);
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches("[data-offline-form]")) {
      var post = (form.getAttribute("method") || "").toLowerCase() === "post";
      var signOut = post && form.action && /\/keluar\/?$/.test(form.action);
      if (signOut && "caches" in window) caches.delete(PAGES);  // sign out: this user's kept pages go
      if (post && !navigator.onLine) {
        ev.preventDefault();  // not the browser's error page: the page stays, with why
        say(form, signOut ? T.signOutOffline : T.needsConnection);
      } else if (signOut && window.fetch) {
        ev.preventDefault();
        signOutBySending(form);
      }
      return;
    }
    ev.preventDefault();
    var fd = new FormData(form);
    if (ev.submitter && ev.submitter.name) fd.set(ev.submitter.name, ev.submitter.value);
    // A fresh key for every submission made on the phone; a retry of this one reuses it.
    var kunci = newKey(); fd.set("kunci", kunci);
    var url = form.action || location.href;
    var item = { kunci: kunci, user: USER, url: url, label: form.dataset.offlineLabel || document.title,
                 created: Date.now(), status: "menunggu", entries: toEntries(fd) };
    var unlock = lock(form);
    waitingFor(url).then(null, function () { return false; }).then(function (behind) {
      if (!navigator.onLine) return enqueue(form, item, T.queued).then(unlock);
      if (behind) {  // older versions of this report are queued: this one goes after them
        return enqueue(form, item, T.queuedBehind).then(flush).then(function () {
          var res = results[item.kunci];
          if (res && res.kind === "invalid") remove(item.kunci).then(render);
          if (!res || !outcome(form, res)) unlock();
        });
      }
      return send(url, item.entries).then(function (res) {
        if (outcome(form, res)) return;
        if (res.kind === "invalid") { unlock(); return; }
        if (res.kind === "login") loginNeeded = true;
        return enqueue(form, item, T.queued).then(unlock);
      });
    }).then(null, unlock);
  });

  function updateNotes() {
    document.querySelectorAll("[data-offline-note]").forEach(function (n) { n.hidden = navigator.onLine; });
    var banner = document.getElementById("catatan-luring");
    if (navigator.onLine || document.querySelector("[data-halaman-luring]")) { if (banner) banner.remove(); return; }
    if (banner) return;
    banner = document.createElement("p"); banner.id = "catatan-luring"; banner.setAttribute("role", "status");
    banner.className = "alert alert-secondary py-2 small"; banner.textContent = T.copy;
    var main = document.querySelector("main"); main.insertBefore(banner, main.firstChild);
  }

  /* Offline reading. The service worker keeps every page opened; this page asks it to keep the
   * start page and the offline page as well, and this page itself when it arrived before the
   * worker controlled it. Pages kept for another user never stay: they go when someone else
   * signs in on this phone (sign-out deletes them too). */
  function keepPages() {
    if (!("serviceWorker" in navigator) || !("caches" in window) || !navigator.onLine) return;
    // the second factor's page: the session is about to get a new key, and there is nothing of
    // this person's to keep before the code (their pages would only redirect here)
    if (document.body.getAttribute("data-simpan") === "tidak") return;
    var before = USER;
    try { before = localStorage.getItem("pantau-pengguna"); localStorage.setItem("pantau-pengguna", USER); } catch (e) { /* private mode */ }
    var other = before !== USER, controlled = !!navigator.serviceWorker.controller;
    (other ? caches.delete(PAGES) : Promise.resolve()).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      var worker = navigator.serviceWorker.controller || reg.active;
      if (worker) {
        worker.postMessage({ type: "simpan", bahasa: document.documentElement.lang,
                             halaman: other || !controlled ? location.href : null });
      }
    }).catch(function () {});
  }

  /* The offline page: the pages kept on this phone, newest first, and which page was asked for
   * when it stands in for one never opened here. */
  function listPages() {
    var list = document.querySelector("[data-halaman-luring]");
    if (!list || !("caches" in window)) return;
    var own = list.getAttribute("data-halaman-luring");
    if (location.pathname !== own) {
      var miss = document.querySelector("[data-luring-belum]");
      miss.querySelector("[data-luring-alamat]").textContent = location.pathname + location.search;
      miss.hidden = false;
    }
    caches.open(PAGES).then(function (cache) {
      return cache.keys().then(function (reqs) {
        return Promise.all(reqs.reverse().map(function (req) {
          return cache.match(req, { ignoreVary: true }).then(function (res) {
            if (!res || (res.headers.get("Content-Type") || "").indexOf("text/html") !== 0) return null;
            return res.text().then(function (html) {
              var m = /<title>([\s\S]*?)<\/title>/i.exec(html);
              var title = m ? new DOMParser().parseFromString(m[1], "text/html").documentElement.textContent : req.url;
              return { url: req.url, title: title.replace(/\s*·\s*Pantau\s*$/, "").trim(), date: res.headers.get("Date") };
            });
          });
        }));
      });
    }).then(function (pages) {
      var seen = {};
      pages.forEach(function (p) {
        if (!p || new URL(p.url).pathname === own || seen[p.title + p.date]) return;
        seen[p.title + p.date] = true;  // a page filed under its canonical address as well
        var a = document.createElement("a");
        a.className = "list-group-item list-group-item-action touch"; a.href = p.url; a.textContent = p.title;
        if (p.date) {
          var date = document.createElement("span"); date.className = "d-block small text-body-secondary";
          date.textContent = T.savedAt + " " + when(p.date); a.appendChild(date);
        }
        list.appendChild(a);
      });
      document.querySelector("[data-halaman-kosong]").hidden = list.children.length > 0;
    }).catch(function () {});
  }

  window.addEventListener("online", function () { updateNotes(); flushNow(); });
  window.addEventListener("offline", updateNotes);
  updateNotes();
  keepPages();
  listPages();
  render();
  flushNow();
  setInterval(flushNow, 30000);
  // Small API for the page (and the browser tests): send now, list and re-add queued reports.
  window.pantauOffline = { flush: flushNow, items: all, add: function (item) { return put(item).then(render); } };
})();
