/* Public activity map (peta.js): the islands and the public activities with their verified
 * physical progress; the same list is on the page. */
(function () {
  "use strict";
  var el = document.getElementById("peta-publik");
  var data = JSON.parse(document.getElementById("data-peta-publik").textContent);
  if (!el || !window.L || !window.PantauPeta) return;
  if (!data.titik.length) { el.hidden = true; return; }
  PantauPeta(el, data, {
    colour: function () { return "#0b5394"; },
    text: function (t) { return t.fisik == null ? "" : window.PantauAngka.persen(t.fisik); }
  });
})();
