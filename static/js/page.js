// Page behaviour that would otherwise be inline (the Content-Security-Policy forbids inline
// scripts, on*= handlers and style="" attributes; see docs/security.md):
// - <select data-autosubmit> submits its form when changed;
// - <span data-label-color="#rrggbb"> gets its colour as the --label custom property (CSSOM, allowed by CSP),
//   also for content that htmx or the page scripts insert later.
(function () {
  "use strict";
  const HEX = /^#[0-9a-fA-F]{6}$/;

  function paint(root) {
    if (!root || !root.querySelectorAll) return;
    const nodes = root.matches && root.matches("[data-label-color]") ? [root] : [];
    root.querySelectorAll("[data-label-color]").forEach((node) => nodes.push(node));
    nodes.forEach((node) => {
      const color = node.dataset.labelColor;
      node.style.setProperty("--label", HEX.test(color) ? color : "#667085");
    });
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target && target.matches && target.matches("[data-autosubmit]") && target.form) {
      if (typeof target.form.requestSubmit === "function") target.form.requestSubmit();
      else target.form.submit();
    }
  });

  function start() {
    paint(document.body);
    new MutationObserver((records) => {
      records.forEach((record) => record.addedNodes.forEach((node) => paint(node)));
    }).observe(document.body, {childList: true, subtree: true});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
