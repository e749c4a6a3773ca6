/* Pantau forms: the error summary is brought into view (below the sticky navbar) and focused;
 * errors sent back to a script-sent form are shown beside their fields, all at once; leaving a
 * form marked [data-jaga-perubahan] with unsaved changes asks first. */
(function () {
  "use strict";

  function snapshot(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button") return;
      if (el.type === "file") { parts.push(el.name + "=" + el.files.length); return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      parts.push(el.name + "=" + el.value);
    });
    return parts.join("&");
  }

  var guarded = [];
  function guard(form) {
    guarded.push(form);
    form.dataset.awal = snapshot(form);
    form.addEventListener("reset", function () {  // a reset (e.g. after queueing) is clean again
      setTimeout(function () { form.removeAttribute("data-terkirim"); form.dataset.awal = snapshot(form); }, 0);
    });
  }
  function dirty(form) {
    return !form.hasAttribute("data-terkirim") && snapshot(form) !== form.dataset.awal;
  }

  // form[data-konfirmasi]: an action that is hard to undo asks first (a thumb on a phone taps
  // easily); cancelled, nothing else hears of the submission. Registered first: runs first.
  document.addEventListener("submit", function (ev) {
    var ask = ev.target.getAttribute && ev.target.getAttribute("data-konfirmasi");
    if (ask && !window.confirm(ask)) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);

  // Capture phase: runs before the offline queue's own submit handler.
  document.addEventListener("submit", function (ev) {
    ev.target.setAttribute("data-terkirim", "");
  }, true);

  window.addEventListener("beforeunload", function (ev) {
    if (guarded.some(dirty)) { ev.preventDefault(); ev.returnValue = ""; }
  });

  function esc(name) { return window.CSS && CSS.escape ? CSS.escape(name) : name; }

  /* Show a refused submission's errors: each next to its field (by field name), and every one
   * in a summary at the top of the form. The form stays as the user filled it. */
  function showErrors(form, errors, fields, title) {
    form.removeAttribute("data-terkirim");
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); el.removeAttribute("aria-invalid"); });
    form.querySelectorAll("[data-error-field]").forEach(function (el) { el.remove(); });
    Object.keys(fields || {}).forEach(function (name) {
      var input = form.querySelector("[name='" + esc(name) + "']");
      if (!input || !fields[name].length) return;
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      var box = document.createElement("div");
      box.className = "invalid-feedback d-block"; box.setAttribute("data-error-field", "");
      box.id = (input.id || name) + "_error";
      fields[name].forEach(function (m) { var d = document.createElement("div"); d.textContent = m; box.appendChild(d); });
      input.insertAdjacentElement("afterend", box);
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== box.id; });
      described.push(box.id); input.setAttribute("aria-describedby", described.join(" "));
    });
    var summary = form.querySelector("[data-offline-errors]");
    if (!summary) {
      summary = document.createElement("div"); summary.setAttribute("data-offline-errors", "");
      form.prepend(summary);
    }
    summary.className = "alert alert-danger"; summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1"); summary.setAttribute("data-error-summary", "");
    summary.innerHTML = "";
    if (title) { var p = document.createElement("p"); p.className = "fw-semibold mb-1"; p.textContent = title; summary.appendChild(p); }
    var ul = document.createElement("ul"); ul.className = "mb-0";
    (errors || []).forEach(function (m) { var li = document.createElement("li"); li.textContent = m; ul.appendChild(li); });
    summary.appendChild(ul);
    bringIntoView(summary);
  }

  function bringIntoView(el) {
    el.scrollIntoView({ block: "start" });  // html's scroll-padding keeps it below the navbar
    el.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-jaga-perubahan]").forEach(guard);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) bringIntoView(summary);
  });

  window.pantauForm = { showErrors: showErrors, dirty: function () { return guarded.some(dirty); } };
})();
