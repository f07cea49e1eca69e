/* The emoji picker of the chat's composers: a button opens a search field over a grid of emoji
 * (config.emoji: [emoji, name in the reader's language, search words in English and German]).
 * Typing filters; arrow keys move, Enter inserts at the cursor of the composer, Escape closes.
 */
(function () {
  "use strict";

  function insertAtCursor(textarea, text) {
    const start = textarea.selectionStart, end = textarea.selectionEnd;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function emojiPicker(toggle, textarea, emoji, strings) {
    if (!toggle || !textarea) return;
    const panel = dom.el("div", "emoji-panel");
    panel.hidden = true;
    const search = dom.el("input", "emoji-search");
    search.type = "search";
    search.setAttribute("aria-label", strings.emojiSearch);
    search.placeholder = strings.emojiSearch;
    const grid = dom.el("div", "emoji-grid");
    grid.setAttribute("role", "listbox");
    grid.setAttribute("aria-label", strings.emoji);
    const empty = dom.el("p", "muted emoji-empty", strings.noEmoji);
    panel.append(search, grid, empty);
    toggle.after(panel);
    let shown = [], active = 0;

    function render() {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      shown = emoji.filter((entry) => words.every((word) => entry[2].includes(word)));
      active = Math.min(active, Math.max(shown.length - 1, 0));
      grid.textContent = "";
      shown.forEach((entry, index) => {
        const option = dom.el("button", "emoji-option", entry[0]);
        option.type = "button";
        option.tabIndex = -1;
        option.title = entry[1];
        option.setAttribute("role", "option");
        option.setAttribute("aria-label", entry[1]);
        option.setAttribute("aria-selected", index === active ? "true" : "false");
        option.addEventListener("mousedown", (event) => { event.preventDefault(); choose(index); });
        grid.append(option);
      });
      empty.hidden = shown.length > 0;
      grid.querySelector('[aria-selected="true"]')?.scrollIntoView({block: "nearest"});
    }
    function open() {
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      search.value = "";
      active = 0;
      render();
      search.focus();
    }
    function close(refocus) {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      if (refocus) textarea.focus();
    }
    function choose(index) {
      const entry = shown[index];
      if (!entry) return;
      close(true);
      insertAtCursor(textarea, entry[0]);
    }
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", () => (panel.hidden ? open() : close(true)));
    search.addEventListener("input", () => { active = 0; render(); });
    search.addEventListener("keydown", (event) => {
      const columns = Math.max(1, Math.round(grid.clientWidth / (grid.firstChild?.offsetWidth || 1)));
      const moves = {ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns};
      if (event.key in moves && shown.length) {
        active = Math.min(Math.max(active + moves[event.key], 0), shown.length - 1);
        render();
        event.preventDefault();
      } else if (event.key === "Enter") {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      }
    });
    panel.addEventListener("focusout", (event) => { if (!panel.contains(event.relatedTarget)) close(false); });
  }

  window.emojiPicker = emojiPicker;
})();
