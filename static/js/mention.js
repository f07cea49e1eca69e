/* @mention autocomplete, shared by the chat's composers (chat.js) and card comments (card.js, board.js):
 * while typing "@na…" in a textarea, a listbox suggests the team's members; arrows choose, Enter or Tab
 * inserts "@username ", Escape closes. people: [{id, username, name}] from the page's json_script config.
 */
(function () {
  "use strict";

  function peopleOf(members, usernames) {
    return Object.keys(usernames || {}).map((id) => ({
      id: id, username: usernames[id], name: (members || {})[id] || usernames[id]}));
  }

  function mentionMenu(textarea, menu, people) {
    if (!textarea || !menu || textarea.dataset.mentions) return;
    textarea.dataset.mentions = "on";  // once per textarea (htmx swaps may offer it again)
    let matches = [], selected = 0;
    const token = () => {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const match = /(^|[^\w@])@([\w.+-]*)$/.exec(before);
      return match ? match[2] : null;
    };
    const close = () => { menu.hidden = true; matches = []; };
    const render = () => {
      menu.textContent = "";
      matches.forEach((person, index) => {
        const item = dom.el("li", "", person.name);
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", index === selected ? "true" : "false");
        item.append(dom.el("span", "username", "@" + person.username));
        item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(person); });
        menu.append(item);
      });
      menu.hidden = matches.length === 0;
    };
    const choose = (person) => {
      const position = textarea.selectionStart;
      const before = textarea.value.slice(0, position).replace(/@([\w.+-]*)$/, "@" + person.username + " ");
      textarea.value = before + textarea.value.slice(position);
      textarea.selectionStart = textarea.selectionEnd = before.length;
      close();
      textarea.focus();
    };
    textarea.addEventListener("input", () => {
      const prefix = token();
      if (prefix === null) return close();
      const lower = prefix.toLowerCase();
      matches = people.filter((p) => p.username.toLowerCase().startsWith(lower) ||
        p.name.toLowerCase().split(/\s+/).some((part) => part.startsWith(lower))).slice(0, 8);
      selected = 0;
      render();
    });
    textarea.addEventListener("keydown", (event) => {
      if (menu.hidden || !matches.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        selected = (selected + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        render();
        event.preventDefault();
      } else if (event.key === "Enter" || event.key === "Tab") {
        choose(matches[selected]);
        event.preventDefault();
        event.stopImmediatePropagation();  // choosing a name does not send the message
      } else if (event.key === "Escape") {
        close();
      }
    }, true);
    textarea.addEventListener("blur", close);
  }

  /* Card comment boxes (templates/board/_card_dialog.html: form.comment-form with its people as JSON),
   * on the card's page and in the board's dialog, each time htmx shows the card again. */
  function commentForms() {
    document.querySelectorAll("form.comment-form").forEach((form) => {
      const data = form.querySelector('script[type="application/json"]');
      const people = data && dom.parseJSON(data.textContent, null);
      if (people) mentionMenu(form.querySelector("textarea"), form.querySelector(".mention-menu"),
                              peopleOf(people.members, people.usernames));
    });
  }
  // Right after the swap, in the same task as the new box arriving: at afterSettle (20 ms later) keys typed at
  // once were missed (a browser test typing "@obs" at once saw no menu).
  document.addEventListener("htmx:afterSwap", commentForms);
  commentForms();

  window.mention = {menu: mentionMenu, peopleOf: peopleOf};
})();
