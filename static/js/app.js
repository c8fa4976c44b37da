// Small progressive enhancements; the site works without them.
(function () {
  "use strict";

  // Show HTMX errors to the user instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var region = document.getElementById("htmx-error");
    if (!region) return;
    var doc = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
    var text = (doc.body && doc.body.textContent.trim()) || "Something went wrong. Please try again.";
    region.textContent = text.slice(0, 400);
  });
  document.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("htmx-error");
    if (region) region.textContent = "The server could not be reached. Check your connection and try again.";
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("htmx-error");
    if (region) region.textContent = "";
  });

  // After a swap, move focus to the element the new content marks with data-focus-after-swap.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target && event.detail.target.querySelector("[data-focus-after-swap]");
    if (target) target.focus();
  });

  // A form opened on demand (<details data-focus-on-open>) takes the focus in its first field.
  // The toggle event does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.open || !details.hasAttribute || !details.hasAttribute("data-focus-on-open")) return;
    var first = details.querySelector("input:not([type=hidden]), select, textarea, button");
    if (first) first.focus();
  }, true);

  // Put focus on a form's error summary when the page loads with one.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });

  // A "Print" button (hidden without JavaScript, where the browser's own print command works).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
