/* Pantau offline support: service worker registration, and a device-side queue for monthly
 * reports made without a connection. Each queued report keeps its idempotency key (kunci), so a
 * report delivered twice by a flaky connection is applied once on the server. */
(function () {
  "use strict";
  var script = document.currentScript;
  var USER = document.body.getAttribute("data-user") || "";
  var T = JSON.parse(document.getElementById("offline-texts").textContent);
  var DB_NAME = "pantau", STORE = "antrean";

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
  function all() { return tx("readonly", function (s) { return s.getAll(); }).then(function (items) {
    return (items || []).filter(function (i) { return i.user === USER; })
      .sort(function (a, b) { return a.created - b.created; });  // send in the order they were made
  }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
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
      if (value instanceof File) { if (value.size) out.push([name, value, value.name]); }
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

  var flushing = false, loginNeeded = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return all().then(function (items) {
      var chain = Promise.resolve(true);
      items.filter(function (i) { return i.status === "menunggu"; }).forEach(function (item) {
        chain = chain.then(function (go) {
          if (!go) return false;
          return send(item.url, item.entries).then(function (res) {
            if (res.kind === "ok") return remove(item.kunci).then(function () { return true; });
            if (res.kind === "invalid") {
              item.status = "gagal"; item.errors = (res.data && res.data.errors) || [];
              return put(item).then(function () { return true; });
            }
            if (res.kind === "login") { loginNeeded = true; return false; }
            return res.kind === "retry";  // server trouble: carry on with the others; offline: stop
          });
        });
      });
      return chain;
    }).then(function () { flushing = false; return render(); },
            function () { flushing = false; return render(); });
  }
  function flushNow() { return flush(); }

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
      if (!items.length) return;
      var box = document.createElement("section");
      box.className = "alert alert-warning"; box.setAttribute("aria-live", "polite");
      var h = document.createElement("h2"); h.className = "h6";
      h.textContent = T.title.replace("%(n)s", items.length); box.appendChild(h);
      if (loginNeeded) { var p = document.createElement("p"); p.className = "small mb-1"; p.textContent = T.login; box.appendChild(p); }
      var ul = document.createElement("ul"); ul.className = "small mb-2";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.label + " · " + new Date(item.created).toLocaleString(document.documentElement.lang || "id") + " · " +
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

  function enqueue(form, entries, kunci) {
    var item = { kunci: kunci, user: USER, url: form.action || location.href,
                 label: form.dataset.offlineLabel || document.title, created: Date.now(),
                 status: "menunggu", entries: entries };
    return put(item).then(function () {
      form.reset();
      render();
      showErrors(form, [T.queued]);
      form.querySelector("[data-offline-errors]").className = "alert alert-info";
    }, function (err) {
      showErrors(form, [T.storeFailed + " " + (err && err.message ? err.message : "")]);
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches("[data-offline-form]")) {
      if (form.action && /\/keluar\/?$/.test(form.action)) {  // sign out: this user's cached pages go
        if ("caches" in window) caches.delete("pantau-pages");
      }
      return;
    }
    ev.preventDefault();
    var fd = new FormData(form);
    if (ev.submitter && ev.submitter.name) fd.set(ev.submitter.name, ev.submitter.value);
    // A fresh key for every submission made on the phone; a retry of this one reuses it.
    var kunci = newKey(); fd.set("kunci", kunci);
    var entries = toEntries(fd);
    var buttons = form.querySelectorAll("button"); buttons.forEach(function (b) { b.disabled = true; });
    var done = function () { buttons.forEach(function (b) { b.disabled = false; }); };
    if (!navigator.onLine) { enqueue(form, entries, kunci).then(done, done); return; }
    send(form.action || location.href, entries).then(function (res) {
      if (res.kind === "ok") { location.href = res.data.url; return; }
      if (res.kind === "invalid") { showErrors(form, (res.data && res.data.errors) || [], res.data); done(); return; }
      if (res.kind === "login") loginNeeded = true;
      enqueue(form, entries, kunci).then(done, done);
    }, done);
  });

  function updateNotes() {
    document.querySelectorAll("[data-offline-note]").forEach(function (n) { n.hidden = navigator.onLine; });
  }
  window.addEventListener("online", function () { updateNotes(); flushNow(); });
  window.addEventListener("offline", updateNotes);
  updateNotes();
  render();
  flushNow();
  setInterval(flushNow, 30000);
  // Small API for the page (and the browser tests): send now, list and re-add queued reports.
  window.pantauOffline = { flush: flushNow, items: all, add: function (item) { return put(item).then(render); } };
})();
