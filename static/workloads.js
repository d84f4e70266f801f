// sixr workloads pages: small behaviours htmx does not cover by itself.

// A refused edit (422 invalid value, 409 changed by someone else) comes back
// as a fragment with the message: show it in place instead of dropping it.
document.addEventListener("htmx:beforeSwap", function (e) {
  var status = e.detail.xhr.status;
  if (status === 409 || status === 422) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});

// "Select every row on this page" ticks the row boxes of the table it heads.
document.addEventListener("change", function (e) {
  var box = e.target;
  if (!box.classList || !box.classList.contains("select-all")) return;
  var table = box.closest("table");
  if (!table) return;
  table.querySelectorAll('input[name="ids"]').forEach(function (c) { c.checked = box.checked; });
});
