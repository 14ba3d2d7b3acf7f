/* Xueji's page behaviour for every page (CSP: no inline script, so it lives here).
   - Error summary (templates/includes/form_errors.html): takes the focus when the page loads, so a screen
     reader reads the errors first; each of its links moves the focus to its field.
   - Session timeout (layout.html, registry.session_keeping): a warning before the idle timeout whose
     "continue working" button sends one small request that keeps the session open; once the time is up the
     warning says that the form will be kept over the new login.
   - A form kept over a timeout comes back as JSON (#xj-kept-form) and is filled in again here.
   - Confirmation (registry.confirmation): a submit button (or form) with data-xj-confirm="what will happen"
     opens the layout's dialog; confirming adds confirmed=1 (and the button's own name/value) and submits.
     Without JavaScript the server answers the same POST with a confirmation page. */
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


  function confirmBeforeSubmit() {
    var dialog = document.querySelector("[data-xj-confirm-dialog]");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var text = dialog.querySelector("[data-xj-confirm-text]");
    var ok = dialog.querySelector("[data-xj-confirm-ok]");
    var irreversible = dialog.querySelector("[data-xj-confirm-irreversible]");
    var pending = null;

    document.addEventListener("submit", function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var what = (submitter && submitter.dataset.xjConfirm) || form.dataset.xjConfirm;
      if (!what || form.querySelector("input[name='confirmed'][value='1']")) return;
      event.preventDefault();
      pending = { form: form, submitter: submitter };
      text.textContent = what;
      ok.textContent = (submitter && submitter.dataset.xjConfirmAction) || form.dataset.xjConfirmAction || ok.dataset.defaultLabel;
      irreversible.hidden = ((submitter && submitter.dataset.xjReversible) || form.dataset.xjReversible) === "true";
      dialog.showModal();
      ok.focus();
    });

    function addHidden(form, name, value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }

    ok.addEventListener("click", function () {
      if (!pending) return;
      var form = pending.form;
      var submitter = pending.submitter;
      if (submitter && submitter.name) addHidden(form, submitter.name, submitter.value);
      if (submitter && submitter.getAttribute("formaction")) form.action = submitter.getAttribute("formaction");
      addHidden(form, "confirmed", "1");
      dialog.close();
      pending = null;
      form.submit();
    });
    dialog.querySelector("[data-xj-confirm-cancel]").addEventListener("click", function () {
      pending = null;
      dialog.close();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreKeptForm();
    focusErrorSummary();
    watchSession();
    confirmBeforeSubmit();
  });
})();
