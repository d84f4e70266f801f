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

// The filter form puts only what is set into the URL, so a shared link
// reads "?role=db", not a list of empty fields.
document.addEventListener("htmx:configRequest", function (e) {
  if (e.detail.verb !== "get" || !e.detail.elt || e.detail.elt.id !== "filters") return;
  var params = e.detail.parameters;
  var empty = [];
  for (var key in params) {
    if (params[key] === "") empty.push(key);
  }
  empty.forEach(function (key) { delete params[key]; });
});

// htmx keeps a snapshot of the page for the back button; typed values live
// in properties, not attributes, so write them down first or the search box
// would come back empty next to a filtered table.
document.addEventListener("htmx:beforeHistorySave", function () {
  document.querySelectorAll("#filters input").forEach(function (input) {
    if (input.type !== "hidden") input.setAttribute("value", input.value);
  });
  document.querySelectorAll("#filters select option").forEach(function (option) {
    if (option.selected) option.setAttribute("selected", ""); else option.removeAttribute("selected");
  });
});
