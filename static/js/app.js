/* Xueji's page behaviour for every page (CSP: no inline script, so it lives here).
   - Error summary (templates/includes/form_errors.html): takes the focus when the page loads, so a screen
     reader reads the errors first; each of its links moves the focus to its field. */
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-xj-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
  });
})();
