// Page behaviour that would otherwise be inline (the Content-Security-Policy forbids inline
// scripts, on*= handlers and style="" attributes; see docs/security.md):
// - <form data-confirm="question"> (and htmx's hx-confirm) asks in the page's <dialog id="confirm-dialog">,
//   not window.confirm; window.confirmDialog(question) is the same as a Promise of true/false;
(function () {
  "use strict";
  function confirmDialog(question, answer) {
    const dialog = document.getElementById("confirm-dialog");
    dialog.querySelector("[data-confirm-text]").textContent = question;
    const ok = dialog.querySelector("button[value=confirm]");
    ok.textContent = answer || ok.dataset.label;
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"),
                                                            {once: true}));
  }
  window.confirmDialog = confirmDialog;

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-confirm]")) return;
    event.preventDefault();
    const button = event.submitter;
    confirmDialog(form.dataset.confirm, button && button.textContent.trim()).then((yes) => { if (yes) form.submit(); });
  });
  document.addEventListener("htmx:confirm", (event) => {
    if (!event.detail.question) return;
    event.preventDefault();
    confirmDialog(event.detail.question).then((yes) => { if (yes) event.detail.issueRequest(true); });
  });
})();
