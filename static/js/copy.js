// <button data-copy="element id"> copies that input's value to the clipboard (the calendar link, a webhook's
// secret) and says so on the button; without the clipboard API the text is selected for Ctrl-C.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(() => { button.dataset.copied = "true"; }, () => {});
    }
  });
})();
