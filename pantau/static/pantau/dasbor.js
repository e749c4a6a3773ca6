/* Leadership dashboard charts (ECharts). The same figures are in tables on the page. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data-dasbor").textContent);
  var lang = document.documentElement.lang || "id";
  var pct = function (v) { return v == null ? "—" : v.toLocaleString(lang, { maximumFractionDigits: 1 }) + "%"; };
  var curve = echarts.init(document.getElementById("grafik-kurva"), null, { renderer: "svg" });
  var names = lang === "en" ? ["Planned physical", "Physical", "Cash plan", "Financial"]
                            : ["Rencana fisik", "Fisik", "Rencana kas", "Keuangan"];
  curve.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: pct },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    grid: { left: 36, right: 8, top: 48, bottom: 24 },
    xAxis: { type: "category", data: data.bulan },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: names[0], type: "line", data: data.rencana_fisik, lineStyle: { type: "dashed" }, color: "#0b5394" },
      { name: names[1], type: "line", data: data.fisik, color: "#0b5394", symbol: "circle" },
      { name: names[2], type: "line", data: data.rencana_kas, lineStyle: { type: "dashed" }, color: "#b45f06" },
      { name: names[3], type: "bar", data: data.keuangan, color: "#f6b26b", barMaxWidth: 12 }
    ]
  });
  var dist = echarts.init(document.getElementById("grafik-distribusi"), null, { renderer: "svg" });
  dist.setOption({
    animation: false,
    tooltip: {},
    grid: { left: 100, right: 16, top: 8, bottom: 20 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.distribusi.map(function (d) { return d[0]; }) },
    series: [{ type: "bar", data: data.distribusi.map(function (d) { return { value: d[1], itemStyle: { color: d[2] } }; }),
               label: { show: true, position: "right" } }]
  });
  var charts = [curve, dist];
  var yoyEl = document.getElementById("grafik-yoy");
  if (yoyEl && data.tahun_lalu) {
    var yoy = echarts.init(yoyEl, null, { renderer: "svg" });
    var fin = lang === "en" ? "Financial " : "Keuangan ", phy = lang === "en" ? "Physical " : "Fisik ";
    yoy.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: pct },
      legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 36, right: 8, top: 48, bottom: 24 },
      xAxis: { type: "category", data: data.yoy.bulan },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: fin + data.tahun, type: "line", data: data.yoy.keuangan_ini, color: "#b45f06", symbol: "circle" },
        { name: fin + data.tahun_lalu, type: "line", data: data.yoy.keuangan_lalu, color: "#b45f06", lineStyle: { type: "dashed" } },
        { name: phy + data.tahun, type: "line", data: data.yoy.fisik_ini, color: "#0b5394", symbol: "circle" },
        { name: phy + data.tahun_lalu, type: "line", data: data.yoy.fisik_lalu, color: "#0b5394", lineStyle: { type: "dashed" } }
      ]
    });
    charts.push(yoy);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

/* Map of sub kegiatan and islands (peta.js), coloured by this month's physical status. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data-peta").textContent);
  var el = document.getElementById("peta");
  if (!el || !window.L || !window.PantauPeta) return;
  var colours = { kritis: "#cc0000", kuning: "#e69138", hijau: "#38761d", tanpa_rencana: "#6c757d" };
  PantauPeta(el, data, {
    colour: function (t) { return colours[t.status] || "#6c757d"; },
    text: function (t) {
      return t.opd + " · " + t.fisik.toFixed(1) + "%" + (t.target == null ? "" : " / " + t.target.toFixed(1) + "%");
    }
  });
})();
