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
