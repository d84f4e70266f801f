// sixr workloads pages: small behaviours htmx does not cover by itself.


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

// Inline cell editing (templates/workload_cell.html). The Content-Security-
// Policy forbids eval, so htmx trigger filters (keydown[key=='Escape'])
// and js: values can't be used; these listeners do their work.
document.addEventListener("keydown", function (event) {
  const field = event.target;
  if (!(field instanceof HTMLElement) || !field.closest(".cell.editing")) return;
  if (event.key === "Escape" && field.dataset.cancelUrl) {
    // Escape: drop the edit and show the stored value again.
    event.preventDefault();
    htmx.ajax("GET", field.dataset.cancelUrl, { target: field.closest("td"), swap: "outerHTML" });
  } else if (event.key === "Enter" && !event.shiftKey && field.tagName === "TEXTAREA") {
    // Enter saves a note too; Shift+Enter starts a new line.
    event.preventDefault();
    field.form.requestSubmit();
  }
});

// A click (or Enter/Space) on a cell opens its editor in place. One listener
// for the whole table: the cell names its field, its row or table the
// workload's cells URL (templates/workload_cell.html).
document.addEventListener("click", function (event) {
  const button = event.target instanceof Element && event.target.closest("button[data-cell]");
  const owner = button && button.closest("[data-cells]");
  if (!owner) return;
  htmx.ajax("GET", owner.dataset.cells + button.dataset.cell + "/edit", { target: button.closest("td"), swap: "outerHTML" });
});

// Typing over a value is the common case: select it when the editor opens.
document.addEventListener("focusin", function (event) {
  const field = event.target;
  if (field.matches && field.matches(".cell.editing input, .cell.editing textarea")) field.select();
});

// Tell the server how an edit was saved: by Enter (keep the keyboard on the
// cell) or by leaving the field (focus has already moved on).
document.addEventListener("htmx:configRequest", function (event) {
  const source = event.detail.elt;
  if (source instanceof HTMLFormElement && source.closest(".cell.editing")) {
    const trigger = event.detail.triggeringEvent;
    event.detail.parameters["via"] = trigger ? trigger.type : "";
  }
});

// A <datalist data-src="..."> is filled when a field using it first gets
// focus: with thousands of applications the names stay out of every page.
document.addEventListener("focusin", function (event) {
  const field = event.target;
  const list = field.list;
  if (!list || !list.dataset.src || list.dataset.loaded) return;
  list.dataset.loaded = "loading";
  fetch(list.dataset.src, { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
    .then(function (html) { list.innerHTML = html; list.dataset.loaded = "yes"; })
    .catch(function () { delete list.dataset.loaded; });
});

// Delete in a table row: asks first (the table holds the question, the
// row's name cell the name), then the row is replaced by nothing.
document.addEventListener("click", function (event) {
  const button = event.target instanceof Element && event.target.closest("button[data-delete]");
  const row = button && button.closest("tr[data-cells]");
  const table = row && row.closest("table[data-confirm]");
  if (!table) return;
  const name = row.querySelector('button[data-cell="name"]');
  if (!confirm(table.dataset.confirm.replace("{name}", name ? name.textContent : ""))) return;
  htmx.ajax("POST", row.dataset.cells.replace(/cells\/$/, "delete"), { target: row, swap: "outerHTML" });
});
