// Draws the leader dashboard's charts with Chart.js (served by the desk) from the figures the
// page already shows in its tables; without JavaScript the tables alone carry every figure.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  if (typeof Chart === "undefined") return;
  var colours = ["#0b4f8a", "#1d6b33", "#a4161a"];
  [["chart-received", "received", "bar"], ["chart-resolved", "resolved", "bar"], ["chart-satisfaction", "satisfaction", "doughnut"]]
    .forEach(function (spec) {
      var figure = data[spec[1]];
      new Chart(document.getElementById(spec[0]), {
        type: spec[2],
        data: { labels: figure.labels, datasets: [{ label: "Số hồ sơ", data: figure.values, backgroundColor: colours }] },
        options: { animation: false, plugins: { legend: { display: spec[2] === "doughnut" } } }
      });
    });
})();
