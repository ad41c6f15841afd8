// Upload progress (HTMX's XHR progress events) and focus on the first invalid field.
document.addEventListener("htmx:xhr:progress", function (e) {
  var bar = document.getElementById("upload-progress");
  if (bar && e.detail.lengthComputable) bar.value = Math.round((e.detail.loaded / e.detail.total) * 100);
});
document.addEventListener("htmx:afterRequest", function () {
  var bar = document.getElementById("upload-progress");
  if (bar) bar.value = 100;
});
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
});
