// The header's search box (templates/base.html): "/" or Ctrl+K (⌘K) focuses it; htmx fetches the suggestions
// as you type (hx-trigger with a delay, server-rendered and escaped: templates/search/_suggestions.html), grouped
// by kind; this script opens and closes the list and moves through it with the keyboard: ↓/↑ choose, Enter opens
// the chosen result (or, with none chosen, the results page), Escape closes.
(function () {
  "use strict";
  const form = document.querySelector("[data-header-search]");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const menu = form.querySelector("[role=listbox]");
  let active = -1;

  function options() { return Array.from(menu.querySelectorAll("[role=option]")); }

  function open(yes) {
    menu.hidden = !yes;
    input.setAttribute("aria-expanded", yes ? "true" : "false");
    if (!yes) choose(-1);
  }

  function choose(index) {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function typingSomewhere(target) {
    return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
  }

  document.addEventListener("keydown", (event) => {
    const ctrlK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k";
    const slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typingSomewhere(event.target);
    if (ctrlK || slash) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  input.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (menu.hidden || !all.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      choose(active < 0 && step < 0 ? all.length - 1 : (active + step + all.length) % all.length);
    } else if (event.key === "Enter" && !menu.hidden && active >= 0 && all[active]) {
      event.preventDefault();
      window.location.assign(all[active].href);
    } else if (event.key === "Escape") {
      if (!menu.hidden) { event.preventDefault(); open(false); } else { input.blur(); }
    }
  });

  input.addEventListener("input", () => { if (!input.value.trim()) open(false); });
  // What htmx put in: shown (if there is still something typed), nothing chosen yet.
  // (A late answer for text since cleared does not reopen the list.)
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === menu) { open(Boolean(input.value.trim())); choose(-1); }
  });
  input.addEventListener("focus", () => { if (input.value.trim() && menu.children.length) open(true); });
  form.addEventListener("focusout", (event) => { if (!form.contains(event.relatedTarget)) open(false); });
  menu.addEventListener("mousedown", (event) => event.preventDefault());  // a click keeps the focus in the box
})();
