// Behaviour every page shares. Loaded as a file: the Content-Security-Policy
// allows no inline script.
"use strict";

// A refused change (422 invalid value, 409 changed by someone else, 413 too
// large) comes back as a fragment with the message: htmx 2 drops 4xx
// responses by default, so show it in place instead.
document.addEventListener("htmx:beforeSwap", function (e) {
  var status = e.detail.xhr.status;
  if (status === 409 || status === 422 || status === 413) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});

// A form that takes a while (an import is read, or committed and then
// scored, planned and priced, before the answer comes) says so while it
// waits, and its buttons stop taking clicks: a second click would send the
// same import again.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var note = form.getAttribute("data-busy");
  if (!note || e.defaultPrevented) return;
  form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
  var place = form.closest(".card") || form;
  var status = place.querySelector(".busy");
  if (status) status.textContent = note;
});

// Back to a page kept by the browser: its forms take clicks again.
window.addEventListener("pageshow", function (e) {
  if (!e.persisted) return;
  document.querySelectorAll("form[data-busy] button").forEach(function (b) { b.disabled = false; });
  document.querySelectorAll(".busy").forEach(function (s) { s.textContent = ""; });
});
