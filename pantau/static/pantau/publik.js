/* Public activity map (Leaflet), drawn without a tile server; the same list is on the page. */
(function () {
  "use strict";
  var el = document.getElementById("peta-publik");
  var data = JSON.parse(document.getElementById("data-peta-publik").textContent);
  if (!el || !window.L) return;
  if (!data.titik.length) { el.hidden = true; return; }
  var map = L.map(el, { zoomSnap: 0.25, maxZoom: 16, attributionControl: false });
  var bounds = [];
  data.titik.forEach(function (t) {
    bounds.push([t.lat, t.lng]);
    var link = document.createElement("a");
    link.href = t.url; link.textContent = t.nama;
    var box = document.createElement("div");
    box.appendChild(link);
    if (t.fisik != null) box.appendChild(document.createTextNode(" · " + t.fisik.toFixed(1) + "%"));
    L.circleMarker([t.lat, t.lng], { radius: 6, color: "#0b5394", weight: 2, fillOpacity: 0.7 })
      .bindPopup(box).addTo(map);
  });
  if (bounds.length > 1) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 13 });
  else map.setView(bounds[0], 12);
})();
