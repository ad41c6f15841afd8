// Draws the report page's charts from the JSON the server put in the page (Chart.js, local).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("chart-data");
  if (!el || !window.Chart) return;
  var d = JSON.parse(el.textContent);
  var rates = document.getElementById("chart-rates");
  if (rates) new Chart(rates, {type: "bar", data: {labels: d.rates.labels, datasets: [
    {label: d.rates.label_poor, data: d.rates.poor, backgroundColor: "#b3261e"},
    {label: d.rates.label_near_poor, data: d.rates.near_poor, backgroundColor: "#e69500"}]},
    options: {animation: false, responsive: true}});
  var ch = document.getElementById("chart-changes");
  if (ch) new Chart(ch, {type: "bar", data: {labels: d.changes.labels, datasets: [
    {label: d.changes.label_decrease, data: d.changes.decrease, backgroundColor: "#1b6e3a"},
    {label: d.changes.label_increase, data: d.changes.increase, backgroundColor: "#b3261e"}]},
    options: {animation: false, responsive: true}});
  var dep = document.getElementById("chart-deprivation");
  if (dep) new Chart(dep, {type: "bar", data: {labels: d.deprivation.labels, datasets: [
    {label: d.deprivation.label, data: d.deprivation.values, backgroundColor: "#5b3a8c"}]},
    options: {animation: false, responsive: true, indexAxis: "y"}});
});
