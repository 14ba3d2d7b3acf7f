/* The statistics pages' charts, drawn with ECharts (static/vendor/echarts, copied from the npm package at
   set-up; nothing is loaded from the internet). Each chart container names, in data-chart-data, the
   <script type="application/json"> element (Django's json_script) that holds its data:
   {title, stacked, categories: [...], series: [{name, data: [...]}]}. The same numbers are in the table
   beneath each chart, so the page says everything without this script too. */
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart-data"));
    if (!source || !window.echarts) {
      return;
    }
    var chart = JSON.parse(source.textContent);
    var instance = window.echarts.init(container, null, { renderer: "canvas" });
    instance.on("finished", function () {
      container.setAttribute("data-rendered", "true");
    });
    // the container keeps its own aria-label (role="img"); the table beneath has every number
    instance.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 4, type: "scroll" },
      grid: { left: 16, right: 24, top: 48, bottom: 16, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: chart.series.map(function (series) {
        return {
          name: series.name,
          type: "bar",
          stack: chart.stacked ? "total" : undefined,
          emphasis: { focus: "series" },
          data: series.data
        };
      })
    });
    window.addEventListener("resize", function () {
      instance.resize();
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart-data]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
