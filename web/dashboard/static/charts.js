/* Dashboard charts with Chart.js (served from npm under /vendor/). Each canvas carries its data
   as JSON in data-chart: {type, labels, series: [{label, data, n}], unit, target, targetLabel,
   smallN, smallLabel}. A target (the 80% ambition, the deadline norm) is drawn as a dashed line
   by a small plugin and named in the legend. A percentage's tooltip names its n, and warns
   (smallLabel) under smallN. The same figures are in the table under each chart. */
(function () {
  "use strict";

  if (!window.Chart) {
    return;
  }

  var COLOURS = ["#154273", "#e17000", "#39870c", "#a90061", "#007bc7"];
  var lang = document.documentElement.lang || "nl";

  var targetLine = {
    id: "targetLine",
    afterDatasetsDraw: function (chart, args, options) {
      if (options.value === undefined || options.value === null) {
        return;
      }
      var scale = chart.scales.y;
      var area = chart.chartArea;
      var y = scale.getPixelForValue(options.value);
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#a4201c";
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(area.left, y);
      ctx.lineTo(area.right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.restore();
    }
  };

  Array.prototype.slice.call(document.querySelectorAll("canvas.dashboard-chart")).forEach(
    function (canvas) {
      var spec = JSON.parse(canvas.getAttribute("data-chart") || "{}");
      if (!spec.labels || !spec.labels.length) {
        canvas.parentNode.classList.add("chart-empty");
        return;
      }
      var horizontal = canvas.getAttribute("data-horizontal") === "true";
      var percent = spec.unit === "%";
      var valueAxis = {
        beginAtZero: true,
        max: percent ? 100 : undefined,
        ticks: {
          callback: function (value) {
            return Number(value).toLocaleString(lang) + (percent ? "%" : "");
          }
        }
      };
      new window.Chart(canvas, {
        type: spec.type || "bar",
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (series, index) {
            var colour = COLOURS[index % COLOURS.length];
            return {
              label: series.label,
              data: series.data,
              backgroundColor: colour,
              borderColor: colour,
              spanGaps: true,
              tension: 0
            };
          })
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          scales: horizontal ? { x: valueAxis } : { y: valueAxis },
          plugins: {
            legend: {
              position: "bottom",
              onClick: function (event, item, legend) {
                if (item.datasetIndex >= 0) {
                  window.Chart.defaults.plugins.legend.onClick.call(this, event, item, legend);
                }
              },
              labels: {
                /* The target line has no dataset: add it to the legend as a dashed red line. */
                generateLabels: function (chart) {
                  var items = window.Chart.defaults.plugins.legend.labels.generateLabels(chart);
                  if (spec.target !== undefined && spec.target !== null) {
                    items.push({
                      text: spec.targetLabel || "",
                      fillStyle: "rgba(0, 0, 0, 0)",
                      strokeStyle: "#a4201c",
                      lineWidth: 2,
                      lineDash: [6, 4],
                      hidden: false,
                      datasetIndex: -1
                    });
                  }
                  return items;
                }
              }
            },
            targetLine: { value: spec.target },
            tooltip: {
              callbacks: {
                label: function (item) {
                  var value = item.raw === null ? "–" : Number(item.raw).toLocaleString(lang);
                  var text = item.dataset.label + ": " + value + (percent ? "%" : "");
                  var counts = spec.series[item.datasetIndex].n;
                  if (counts) {
                    var n = counts[item.dataIndex];
                    text += " (n = " + Number(n).toLocaleString(lang) +
                      (n > 0 && n < spec.smallN ? ", " + spec.smallLabel : "") + ")";
                  }
                  return text;
                }
              }
            }
          }
        },
        plugins: [targetLine]
      });
    }
  );
})();
