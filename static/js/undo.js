/* The Undo toast (templates/board/board.html #undo-toast): "Card archived · Undo" for 10 seconds.
 *
 * UndoToast.show(text, undo) replaces any toast showing; Undo calls undo() once (the caller sends the inverse
 * command, which the server checks like any other). role=status announces it; the Undo button is reachable by
 * Tab; Escape dismisses it. While the focus is in it, it stays until the focus leaves.
 */
(function () {
  "use strict";
  const SHOWN_MS = 10000;
  const toast = document.getElementById("undo-toast");
  if (!toast) return;
  const text = toast.querySelector("[data-toast-text]");
  let action = null;
  let timer = null;

  function hide() {
    clearTimeout(timer);
    action = null;
    if (toast.contains(document.activeElement)) document.activeElement.blur();
    toast.hidden = true;
  }

  function expire() {
    if (toast.contains(document.activeElement)) {
      toast.addEventListener("focusout", (event) => { if (!toast.contains(event.relatedTarget)) hide(); }, {once: true});
    } else {
      hide();
    }
  }

  function show(message, undo) {
    clearTimeout(timer);
    action = undo;
    text.textContent = message;
    toast.hidden = false;
    timer = setTimeout(expire, SHOWN_MS);
  }

  toast.addEventListener("click", (event) => {
    if (event.target.closest("[data-toast-undo]")) {
      const undo = action;
      hide();
      if (undo) undo();
    } else if (event.target.closest("[data-toast-dismiss]")) {
      hide();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || toast.hidden) return;
    const dialog = document.querySelector("dialog[open]");
    if (dialog && !toast.contains(document.activeElement)) return;  // Escape is the dialog's
    hide();
  });

  window.UndoToast = {show: show, hide: hide};
})();
