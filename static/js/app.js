/* Xueji's page behaviour for every page (CSP: no inline script, so it lives here).
   - Error summary (templates/includes/form_errors.html): takes the focus when the page loads, so a screen
     reader reads the errors first; each of its links moves the focus to its field.
   - Session timeout (layout.html, registry.session_keeping): a warning before the idle timeout whose
     "continue working" button sends one small request that keeps the session open; once the time is up the
     warning says that the form will be kept over the new login.
   - A form kept over a timeout comes back as JSON (#xj-kept-form) and is filled in again here. */
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

  function watchSession() {
    var box = document.querySelector("[data-xj-session]");
    if (!box) return;
    var idle = Number(box.dataset.idle) * 1000;
    var warnAt = idle - Math.min(120000, idle / 2);
    var soon = box.querySelector("[data-xj-session-soon]");
    var ended = box.querySelector("[data-xj-session-ended]");
    var button = box.querySelector("[data-xj-keep-alive]");
    var timers = [];

    function start() {
      timers.forEach(clearTimeout);
      box.hidden = true;
      soon.hidden = false;
      ended.hidden = true;
      button.hidden = false;
      timers = [
        setTimeout(function () { box.hidden = false; button.focus(); }, warnAt),
        // a second after the server's end, so that the page never says "ended" while the session still runs
        setTimeout(function () { soon.hidden = true; ended.hidden = false; button.hidden = true; box.hidden = false; }, idle + 1000),
      ];
    }

    button.addEventListener("click", function () {
      var token = document.querySelector("[name=csrfmiddlewaretoken]");
      fetch(box.dataset.keepAlive, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
      }).then(function (response) {
        if (response.ok) start();
      });
    });
    start();
  }

  function restoreKeptForm() {
    var data = document.getElementById("xj-kept-form");
    var main = document.getElementById("main");
    if (!data || !main) return;
    JSON.parse(data.textContent).forEach(function (pair) {
      var name = pair[0];
      var values = pair[1];
      var inputs = main.querySelectorAll("[name='" + CSS.escape(name) + "']");
      inputs.forEach(function (input, index) {
        if (input.type === "file") return;
        if (input.type === "checkbox" || input.type === "radio") {
          input.checked = values.indexOf(input.value) !== -1;
        } else if (input.multiple) {
          Array.prototype.forEach.call(input.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else if (index < values.length) {
          input.value = values[index];
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreKeptForm();
    focusErrorSummary();
    watchSession();
  });
})();
