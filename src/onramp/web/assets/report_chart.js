// The reports page's chart: Chart.js draws the data the page carries in its
// <script type="application/json" id="report-chart-data"> block (no inline script: the CSP
// allows none). The table below the chart holds the same figures for everyone.
document.addEventListener("DOMContentLoaded", () => {
  const block = document.getElementById("report-chart-data");
  const canvas = document.getElementById("report-chart");
  if (!block || !canvas || typeof Chart === "undefined") {
    return;
  }
  const chart = JSON.parse(block.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [{ label: chart.title, data: chart.values, backgroundColor: "#0d6efd" }],
    },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
});
