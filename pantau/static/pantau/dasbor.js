/* Leadership dashboard charts (ECharts) and map (Leaflet, peta.js). The same figures are in
 * tables on the page. Chart and map code is fetched only when its section comes near the
 * screen (the page's first view on a phone is the headline cards), and the ECharts build holds
 * only the charts used here (frontend/echarts.js). Each drawing ends with a "pantau:drawn"
 * event on the document. */
(function () {
  "use strict";
  var me = document.currentScript;
  var data = JSON.parse(document.getElementById("data-dasbor").textContent);
  var lang = document.documentElement.lang || "id";
  var A = window.PantauAngka;
  var pct = function (v) { return A.persen(v, 1); };
  var axisPct = { formatter: function (v) { return A.persen(v, 0); } };
  var loading = {};
  var charts = [];

  function load(src, css) {
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve, reject) {
        var el = document.createElement(css ? "link" : "script");
        if (css) { el.rel = "stylesheet"; el.href = src; } else { el.src = src; }
        el.onload = resolve;
        el.onerror = reject;
        document.head.appendChild(el);
      });
    }
    return loading[src];
  }
  function near(el, draw) {  // draw once the element is within 300 px of the screen
    if (!el) return;
    if (!("IntersectionObserver" in window)) { draw(); return; }
    var seen = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); draw(); }
    }, { rootMargin: "300px 0px" });
    seen.observe(el);
  }
  function drawn() { document.dispatchEvent(new CustomEvent("pantau:drawn")); }
  function chart(id, option) {
    var el = document.getElementById(id);
    near(el, function () {
      load(me.dataset.echarts).then(function () {
        var c = window.echarts.init(el, null, { renderer: "svg" });
        c.setOption(option);
        charts.push(c);
        drawn();
      });
    });
  }

  var names = lang === "en" ? ["Planned physical", "Physical", "Cash plan", "Financial"]
                            : ["Rencana fisik", "Fisik", "Rencana kas", "Keuangan"];
  chart("grafik-kurva", {
    animation: false,
    tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: pct },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    grid: { left: 36, right: 8, top: 48, bottom: 24 },
    xAxis: { type: "category", data: data.bulan },
    yAxis: { type: "value", max: 100, axisLabel: axisPct },
    series: [
      { name: names[0], type: "line", data: data.rencana_fisik, lineStyle: { type: "dashed" }, color: "#0b5394" },
      { name: names[1], type: "line", data: data.fisik, color: "#0b5394", symbol: "circle" },
      { name: names[2], type: "line", data: data.rencana_kas, lineStyle: { type: "dashed" }, color: "#b45f06" },
      { name: names[3], type: "bar", data: data.keuangan, color: "#f6b26b", barMaxWidth: 12 }
    ]
  });
  chart("grafik-distribusi", {
    animation: false,
    tooltip: { renderMode: "richText", valueFormatter: function (v) { return A.angka(v); } },
    grid: { left: 100, right: 44, top: 8, bottom: 20 },  // room for the bar's own number
    xAxis: { type: "value", minInterval: 1, splitNumber: 3,
             axisLabel: { hideOverlap: true, formatter: function (v) { return A.angka(v); } } },
    yAxis: { type: "category", inverse: true, data: data.distribusi.map(function (d) { return d[0]; }) },
    series: [{ type: "bar", data: data.distribusi.map(function (d) { return { value: d[1], itemStyle: { color: d[2] } }; }),
               label: { show: true, position: "right", formatter: function (p) { return A.angka(p.value); } } }]
  });
  if (data.tahun_lalu && document.getElementById("grafik-yoy")) {
    var fin = lang === "en" ? "Financial " : "Keuangan ", phy = lang === "en" ? "Physical " : "Fisik ";
    chart("grafik-yoy", {
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: pct },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 36, right: 8, top: 48, bottom: 24 },
      xAxis: { type: "category", data: data.yoy.bulan },
      yAxis: { type: "value", max: 100, axisLabel: axisPct },
      series: [
        { name: fin + data.tahun, type: "line", data: data.yoy.keuangan_ini, color: "#b45f06", symbol: "circle" },
        { name: fin + data.tahun_lalu, type: "line", data: data.yoy.keuangan_lalu, color: "#b45f06", lineStyle: { type: "dashed" } },
        { name: phy + data.tahun, type: "line", data: data.yoy.fisik_ini, color: "#0b5394", symbol: "circle" },
        { name: phy + data.tahun_lalu, type: "line", data: data.yoy.fisik_lalu, color: "#0b5394", lineStyle: { type: "dashed" } }
      ]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  /* Map of sub kegiatan and islands, coloured by this month's physical status. */
  var map = document.getElementById("peta");
  var colours = { kritis: "#cc0000", kuning: "#e69138", hijau: "#38761d", tanpa_rencana: "#6c757d" };
  near(map, function () {
    Promise.all([load(me.dataset.leafletCss, true), load(me.dataset.leaflet)])
      .then(function () { return load(me.dataset.peta); })
      .then(function () {
        window.PantauPeta(map, JSON.parse(document.getElementById("data-peta").textContent), {
          colour: function (t) { return colours[t.status] || "#6c757d"; },
          text: function (t) {
            return t.opd + " · " + A.persen(t.fisik) + (t.target == null ? "" : " / " + A.persen(t.target));
          }
        });
        drawn();
      });
  });
})();
