/* The one Leaflet map of Pantau (dashboard and public portal). It works without a tile server:
 * the islands come from the pemda's reference data; a tile layer is added only when configured.
 * PantauPeta(el, data, opts): data = {pulau: [{nama, lat, lng, huni}], titik: [{nama, url,
 * lat, lng, ...}], tiles?, atribusi?}; opts.colour(t) and opts.text(t) style and describe a
 * point (its popup shows a link to t.url and that text). */
window.PantauPeta = function (el, data, opts) {
  "use strict";
  // Many points (the demo's public list: ~200 activities and ~140 islands) draw on one canvas,
  // far less work for a cheap phone than one SVG element each; a few stay SVG elements.
  var many = (data.pulau || []).length + data.titik.length > 100;
  var map = L.map(el, { zoomSnap: 0.25, maxZoom: 16, attributionControl: !!data.tiles, preferCanvas: many });
  if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.atribusi || "" }).addTo(map);
  var bounds = [];
  (data.pulau || []).forEach(function (p) {
    bounds.push([p.lat, p.lng]);
    L.circleMarker([p.lat, p.lng], { radius: p.huni ? 7 : 3, color: "#6c757d", weight: 1, fillOpacity: 0.15 })
      .bindTooltip(p.nama).addTo(map);
  });
  data.titik.forEach(function (t) {
    bounds.push([t.lat, t.lng]);
    var link = document.createElement("a");
    link.href = t.url; link.textContent = t.nama;
    var box = document.createElement("div");
    box.appendChild(link);
    var text = opts.text(t);
    if (text) { box.appendChild(document.createElement("br")); box.appendChild(document.createTextNode(text)); }
    L.circleMarker([t.lat, t.lng], { radius: 6, color: opts.colour(t), weight: 2, fillOpacity: 0.7 })
      .bindPopup(box).addTo(map);
  });
  // clear of the zoom buttons at the top left
  if (bounds.length > 1) map.fitBounds(bounds, { paddingTopLeft: [48, 16], paddingBottomRight: [16, 16], maxZoom: 13 });
  else if (bounds.length === 1) map.setView(bounds[0], 12);
  else map.setView([-5.5, 123.9], 9);
  return map;
};
