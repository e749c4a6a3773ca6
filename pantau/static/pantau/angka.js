/* Numbers as Pantau writes them on the server (core/templatetags/pantau.py): Indonesian grouping
 * and decimal comma (1.234.567 · 87,5%), English in English; "—" for an undefined figure.
 * Used by the charts (dasbor.js) and the maps (peta.js). */
window.PantauAngka = (function () {
  "use strict";
  var locale = document.documentElement.lang === "en" ? "en" : "id-ID";
  var formats = {};
  function fmt(digits) {
    if (!formats[digits]) {
      formats[digits] = new Intl.NumberFormat(locale, {
        minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true
      });
    }
    return formats[digits];
  }
  function blank(v) { return v === null || v === undefined || v === "" || isNaN(v); }
  return {
    locale: locale,
    angka: function (v, digits) { return blank(v) ? "—" : fmt(digits || 0).format(v); },
    persen: function (v, digits) { return blank(v) ? "—" : fmt(digits === undefined ? 1 : digits).format(v) + "%"; }
  };
})();
