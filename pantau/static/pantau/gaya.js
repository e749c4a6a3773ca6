/* Values that are data, not design (decision 0028: no inline style under the Content Security
 * Policy): a progress bar's width from data-lebar (0-100) and a category badge's colour from
 * data-warna (#rrggbb), set through the CSSOM, which the policy allows. Runs on page load and
 * on every piece of page htmx swaps in. */
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function apply(root) {
    root.querySelectorAll("[data-lebar]").forEach(function (el) {
      var w = parseFloat(el.getAttribute("data-lebar"));
      if (!isNaN(w)) el.style.width = Math.max(0, Math.min(100, w)) + "%";
    });
    root.querySelectorAll("[data-warna]").forEach(function (el) {
      var c = el.getAttribute("data-warna");
      if (COLOUR.test(c)) { el.classList.remove("text-bg-secondary"); el.style.backgroundColor = c; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  document.addEventListener("htmx:load", function (ev) { if (ev.target && ev.target.querySelectorAll) apply(ev.target); });

  // select[data-kirim-otomatis]: a filter that applies itself when chosen (was onchange=...)
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.hasAttribute && el.hasAttribute("data-kirim-otomatis") && el.form) el.form.submit();
  });
})();
