/* A conversation of direct messages, live over /ws/dm/<id>/ (docs/realtime.md, "Direct messages"), through the
 * team pages' client (static/js/live.js: resume after the last seq, back-off, queue). Messages are built like
 * templates/direct/_message.html; their HTML is sanitised by the server. Texts come from #dm-config. */
(function () {
  "use strict";
  const config = dom.parseJSON(document.getElementById("dm-config").textContent, {});
  const strings = config.strings;
  const list = document.getElementById("messages");
  const markers = config.markers;  // user id -> last read message id ("seen by")
  const live = LiveTeam.open(`/ws/dm/${config.conversation}/`, config.seq);
  const el = dom.el;
  const byId = (id) => document.getElementById(`m${id}`);
  const fail = (error) => dom.showError(error.message);

  function reactionButton(emoji, count, mine) {
    const button = el("button", "reaction" + (mine ? " mine" : ""), `${emoji} `);
    button.type = "button";
    button.dataset.emoji = emoji;
    button.append(el("span", "count", String(count)));
    return button;
  }

  function build(data) {
    const li = el("li", "msg" + (data.author === config.me ? " mine" : ""));
    li.id = `m${data.message}`;
    li.dataset.id = data.message;
    li.dataset.author = data.author ?? "";
    const head = el("div", "msg-head");
    const time = el("time", "", dom.clusterTime(new Date(data.created_at), "datetime"));
    time.dateTime = data.created_at;
    const edited = el("span", "edited muted", `(${strings.edited})`);
    edited.hidden = !data.edited_at;
    head.append(el("strong", "author", data.author_name), " ", time, " ", edited);
    const body = el("div", "msg-body");
    body.innerHTML = data.html;  // sanitised by the server (teams.markup)
    const foot = el("div", "msg-foot");
    const seen = el("span", "seen muted");
    seen.hidden = true;
    const actions = el("span", "msg-actions");
    const menu = el("details", "react-menu");
    const summary = el("summary", "", "☺");
    summary.title = strings.react;
    menu.append(summary);
    config.reactions.forEach((emoji) => {
      const add = el("button", "add-reaction", emoji);
      add.type = "button";
      add.dataset.emoji = emoji;
      menu.append(add);
    });
    actions.append(menu);
    if (data.author === config.me) {
      li.dataset.body = data.body;
      [["edit", strings.edit], ["danger delete", strings.delete]].forEach(([name, text]) => {
        const button = el("button", `link ${name}`, text);
        button.type = "button";
        actions.append(" ", button);
      });
    }
    foot.append(el("span", "reactions"), " ", seen, " ", actions);
    li.append(head, body, foot);
    return li;
  }

  function showSeen() {  // on my messages: the others whose read marker reached them
    list.querySelectorAll("li.msg.mine:not(.deleted)").forEach((li) => {  // a deleted message shows none
      const id = Number(li.dataset.id);
      const names = Object.entries(markers).filter(([user, last]) => Number(user) !== config.me && last >= id)
        .map(([user]) => config.names[user]);
      const seen = li.querySelector(".seen");
      seen.hidden = !names.length;
      seen.textContent = names.length ? strings.seenBy.replace("%(names)s", names.join(", ")) : "";
    });
  }

  function markRead() {
    const last = list.querySelector("li.msg:last-child");
    const id = last && Number(last.dataset.id);
    if (!id || document.hidden || (markers[config.me] || 0) >= id) return;
    markers[config.me] = id;
    live.send("dm.read", {message: id}).catch(() => {});  // refused (deleted meanwhile): the next message retries
  }

  live.on("message.posted", (data) => {
    if (byId(data.message)) return;
    document.getElementById("empty")?.remove();
    list.append(build(data));
    if (data.author === config.me) markers[config.me] = data.message;
    list.lastElementChild.scrollIntoView({block: "end"});
    markRead();
    showSeen();
  });
  live.on("message.edited", (data) => {
    const li = byId(data.message);
    if (!li) return;
    li.querySelector(".msg-body").innerHTML = data.html;  // sanitised by the server
    li.querySelector(".edited").hidden = false;
    if (li.dataset.body !== undefined) li.dataset.body = data.body;
  });
  live.on("message.deleted", (data) => {
    const li = byId(data.message);
    if (!li) return;
    li.classList.add("deleted");
    li.querySelector(".msg-body").replaceChildren(el("em", "muted", strings.deleted));
    li.querySelector(".reactions").replaceChildren();
    li.querySelector(".msg-actions")?.remove();
    li.querySelector(".seen").hidden = true;
    delete li.dataset.body;
  });
  function reacted(data) {
    const box = byId(data.message)?.querySelector(".reactions");
    if (!box) return;
    const current = box.querySelector(`[data-emoji="${data.emoji}"]`);
    const mine = data.user === config.me ? data.count > 0 && !!data.added : current?.classList.contains("mine");
    const button = reactionButton(data.emoji, data.count, mine);
    if (!data.count) current?.remove();
    else if (current) current.replaceWith(button);
    else box.append(button);
  }
  live.on("reaction.added", (data) => reacted({...data, added: true}));
  live.on("reaction.removed", (data) => reacted({...data, added: false}));
  live.on("message.read", (data) => {
    markers[data.user] = Math.max(markers[data.user] || 0, data.message);
    showSeen();
  });
  live.onFrame("resumed", () => markRead());
  document.addEventListener("visibilitychange", markRead);

  const composer = document.getElementById("composer");
  const body = document.getElementById("body");
  function send() {
    const text = body.value.trim();
    if (!text) return;
    live.send("dm.post", {body: text}).then(() => { body.value = ""; }, fail);
  }
  composer.addEventListener("submit", (event) => { event.preventDefault(); send(); });
  body.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(); }
  });

  list.addEventListener("click", (event) => {
    const li = event.target.closest("li.msg");
    const id = li && Number(li.dataset.id);
    if (!id) return;
    const reaction = event.target.closest(".reaction, .add-reaction");
    if (reaction) {
      const remove = reaction.classList.contains("reaction") && reaction.classList.contains("mine");
      live.send(remove ? "dm.unreact" : "dm.react", {message: id, emoji: reaction.dataset.emoji}).catch(fail);
      reaction.closest("details")?.removeAttribute("open");
    } else if (event.target.closest(".delete")) {
      window.confirmDialog(strings.confirmDelete).then((yes) => { if (yes) live.send("dm.delete", {message: id}).catch(fail); });
    } else if (event.target.closest(".edit") && !li.querySelector(".edit-form")) {
      const form = el("form", "edit-form");
      const area = el("textarea");
      area.value = li.dataset.body || "";
      const save = el("button", "primary", strings.save);
      const cancel = el("button", "link", strings.cancel);
      cancel.type = "button";
      cancel.addEventListener("click", () => form.remove());
      form.append(area, save, cancel);
      form.addEventListener("submit", (submit) => {
        submit.preventDefault();
        live.send("dm.edit", {message: id, body: area.value}).then(() => form.remove(), fail);
      });
      li.querySelector(".msg-body").after(form);
      area.focus();
    }
  });

  document.getElementById("older")?.addEventListener("click", () => {
    const older = document.getElementById("older");
    fetch(`${config.historyUrl}?before=${older.dataset.before}`, {credentials: "same-origin"})
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(strings.loadFailed))))
      .then((page) => {
        const template = document.createElement("template");
        template.innerHTML = page.html;  // rendered by the server's templates
        list.prepend(template.content);
        older.dataset.before = page.before || "";
        older.hidden = !page.more;
        showSeen();
      }, () => dom.showError(strings.loadFailed));
  });
  showSeen();
})();
