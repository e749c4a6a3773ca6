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
  window.addEventListener("resize", function () { curve.resize(); dist.resize(); });
})();
