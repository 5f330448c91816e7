/* The dashboards' charts: each <canvas data-chart="ID"> is drawn with Chart.js from the JSON
   of the <script type="application/json" id="ID"> the page carries (Django's json_script).
   The JSON says: type (bar, line), labels, datasets [{label, data, type?, dashed?}], and
   optionally indexAxis ("y" for horizontal bars), stacked, unit (the value axis' title).
   No inline script: the Content-Security-Policy allows only this file and Chart.js. */
(function () {
  "use strict";

  var PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997"];

  function dataset(spec, set, index) {
    var colour = PALETTE[index % PALETTE.length];
    var line = (set.type || spec.type) === "line";
    return {
      label: set.label,
      data: set.data,
      type: set.type || spec.type,
      backgroundColor: line ? colour : colour + "cc",
      borderColor: colour,
      borderWidth: line ? 2 : 0,
      borderDash: set.dashed ? [6, 4] : [],
      pointRadius: set.dashed ? 0 : 3,
      fill: false,
      spanGaps: true,
      order: line ? 0 : 1
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var stacked = Boolean(spec.stacked);
    var valueAxis = spec.indexAxis === "y" ? "x" : "y";
    var scales = {x: {stacked: stacked}, y: {stacked: stacked}};
    scales[valueAxis].beginAtZero = true;
    scales[valueAxis].ticks = {precision: 0};
    if (spec.unit) {
      scales[valueAxis].title = {display: true, text: spec.unit};
    }
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, index) {
          return dataset(spec, set, index);
        })
      },
      options: {
        indexAxis: spec.indexAxis || "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {legend: {position: "bottom"}}
      }
    });
    canvas.setAttribute("data-drawn", "true");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
