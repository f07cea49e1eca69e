/* The channel page: live messages, threads, reactions, unread badges, "seen by", presence, typing.
 *
 * State comes from the server-rendered page at seq N (#chat-config); LiveTeam resumes after N,
 * so every event is applied exactly once. Strings come from the template (translated).
 * User text arrives as server-sanitised HTML ("html") or is set with textContent.
 */
(function () {
  "use strict";
  const configElement = document.getElementById("chat-config");
  if (!configElement) return;
  const config = dom.parseJSON(configElement.textContent, null);
  if (!config) return;
  const S = config.strings;
  const el = dom.el;
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key]);

  const live = LiveTeam.connect(config.slug, config.seq);
  window.chat = {live: live, config: config};  // for debugging and the browser tests

  const stream = $("#stream"), list = $("#messages"), threadPane = $("#thread");
  let openThread = null;        // root id of the open thread
  let readUpTo = 0;             // highest message id we told the server we read
  let readTimer = null;

  // Building a message like templates/discussion/_message.html ------------------------------
  function button(className, text, data) {
    const node = el("button", className, text);
    node.type = "button";
    Object.assign(node.dataset, data || {});
    return node;
  }

  function buildMessage(data, inThread) {
    const mine = data.author === config.me;
    const li = el("li", "msg" + (mine ? " mine" : ""));
    li.id = "m" + data.message;
    li.dataset.id = data.message;
    li.dataset.author = data.author || "";
    li.dataset.seen = "";
    if (mine) li.dataset.body = data.body;
    const head = el("div", "msg-head");
    head.append(el("strong", "author", data.author_name || config.members[data.author] || ""), " ");
    const time = el("time", "", dom.clusterTime(new Date(data.created_at), "datetime"));  // as the server writes it
    time.dateTime = data.created_at;
    const edited = el("span", "edited muted", `(${S.edited})`);
    edited.hidden = !data.edited_at;
    head.append(time, " ", edited);
    const body = el("div", "msg-body");
    body.innerHTML = data.html;  // sanitised by the server (teams.markup)
    const files = data.files && data.files.length ? [chatFiles.build(data.files)] : [];
    const foot = el("div", "msg-foot");
    foot.append(el("span", "reactions"));
    if (!inThread && !data.thread) foot.append(button("link replies", S.reply, {thread: data.message, count: 0}));
    const seen = el("span", "seen muted");
    seen.hidden = true;
    foot.append(seen);
    if (config.canWrite) {
      const actions = el("span", "msg-actions");
      const menu = el("details", "react-menu");
      const summary = el("summary", "", "☺");
      summary.title = S.react;
      menu.append(summary);
      config.reactions.forEach((emoji) => menu.append(button("add-reaction", emoji, {emoji: emoji})));
      actions.append(menu, button("link quote", S.quote));
      if (mine) actions.append(button("link edit", S.edit));
      if (mine || config.canModerate) actions.append(button("link danger delete", S.delete));
      foot.append(actions);
    }
    li.append(head, body, ...files, foot);
    return li;
  }

  function findMessages(id) { return $$(`li.msg[data-id="${id}"]`); }

  function nearBottom(container) { return container.scrollHeight - container.scrollTop - container.clientHeight < 80; }

  function scrollDown(container) { container.scrollTop = container.scrollHeight; }

  // Unread badges and read markers ------------------------------------------------------------
  function badge(channelId) { return $(`#channel-list li[data-channel="${channelId}"] .unread`); }

  function setUnread(channelId, count) {
    const node = badge(channelId);
    if (!node) return;
    node.dataset.count = count;
    node.textContent = count;
    node.hidden = count <= 0;
  }

  function markRead(messageId) {
    if (messageId <= readUpTo || document.visibilityState !== "visible") return;
    readUpTo = messageId;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      const upTo = readUpTo;
      live.send("channel.read", {channel: config.channel, message: upTo}).then(() => {
        document.getElementById("chat").dataset.readUpTo = upTo;  // stored on the server
      }).catch(() => { readUpTo = 0; });
    }, 400);
  }

  function latestId() {
    const ids = $$("li.msg", list).map((li) => Number(li.dataset.id));
    return ids.length ? Math.max(...ids) : 0;
  }

  document.addEventListener("visibilitychange", () => markRead(latestId()));
  markRead(latestId());

  function updateSeen(li) {
    const ids = li.dataset.seen ? li.dataset.seen.split(",").filter(Boolean) : [];
    const node = $(".seen", li);
    if (!node) return;
    node.hidden = ids.length === 0;
    node.textContent = "✓ " + ids.length;
    node.title = fmt(S.seenBy, {names: ids.map((id) => config.members[id] || "?").join(", ")});
  }

  // Events ------------------------------------------------------------------------------------
  live.on("message.posted", (data) => {
    if (data.erased) return;  // replayed after the chat was deleted (retention): its text is gone
    if (data.channel !== config.channel) {
      if (data.author !== config.me) setUnread(data.channel, Number(badge(data.channel)?.dataset.count || 0) + 1);
      return;
    }
    clearTyping(data.author);
    if (data.thread) {
      findMessages(data.thread).forEach((root) => {
        const replies = $(".replies", root);
        // The page may already count this reply (rendered just after its seq was read): count it once.
        if (!replies || Number(replies.dataset.lastReply || 0) >= data.message) return;
        replies.dataset.lastReply = data.message;
        const count = Number(replies.dataset.count || 0) + 1;
        replies.dataset.count = count;
        replies.textContent = count === 1 ? S.oneReply : fmt(S.replies, {n: count});
      });
      if (openThread === data.thread && !$(`#thread-replies li.msg[data-id="${data.message}"]`)) {
        const scroller = $("#thread-scroll");
        const stick = nearBottom(scroller);
        $("#thread-replies").append(buildMessage(data, true));
        if (stick) scrollDown(scroller);
      }
    } else if (!document.getElementById("m" + data.message) && $("#newer")?.hidden !== false) {
      // not already on the page, nor after newer pages a permalink's page has yet to load (channels.js)
      const stick = nearBottom(stream) || data.author === config.me;
      $("#empty")?.remove();
      list.append(buildMessage(data, false));
      if (stick) scrollDown(stream);
    }
    if (data.author !== config.me) markRead(data.message);
  });

  // The retention job deleted the team's chat: the page shows what is left (empty channels).
  live.on("chat.deleted", () => window.location.reload());

  live.on("message.edited", (data) => !data.erased && findMessages(data.message).forEach((li) => {
    $(".msg-body", li).innerHTML = data.html;  // sanitised by the server
    $(".edited", li).hidden = false;
    if (li.dataset.body !== undefined) li.dataset.body = data.body;
  }));

  live.on("message.deleted", (data) => findMessages(data.message).forEach((li) => {
    li.classList.add("deleted");
    const body = $(".msg-body", li);
    body.textContent = "";
    body.append(el("em", "muted", S.deleted));
    $(".reactions", li).textContent = "";
    $(".msg-files", li)?.remove();
    $(".msg-actions", li)?.remove();
    delete li.dataset.body;
  }));
  live.on("message.deleted", (data) => {
    if (!data.thread) return;
    findMessages(data.thread).forEach((root) => {
      const replies = $(".replies", root);
      if (!replies || Number(replies.dataset.count || 0) <= 0) return;
      const count = Number(replies.dataset.count) - 1;
      replies.dataset.count = count;
      replies.textContent = count === 0 ? S.reply : count === 1 ? S.oneReply : fmt(S.replies, {n: count});
    });
  });

  function applyReaction(data, added) {
    findMessages(data.message).forEach((li) => {
      const box = $(".reactions", li);
      let node = $(`.reaction[data-emoji="${CSS.escape(data.emoji)}"]`, box);
      if (!node && data.count > 0) {
        node = config.canWrite ? button("reaction", "", {emoji: data.emoji}) : el("span", "reaction");
        node.dataset.emoji = data.emoji;
        node.append(data.emoji + " ", el("span", "count", "0"));
        box.append(node);
      }
      if (!node) return;
      if (data.count <= 0) { node.remove(); return; }
      $(".count", node).textContent = data.count;
      if (data.user === config.me) node.classList.toggle("mine", added);
    });
  }
  // An erased person (teams/erasure): their name and their @mentions on this page take the anonymised ones.
  live.on("member.anonymised", (data) => {
    const old = config.usernames[data.user];
    document.querySelectorAll(`li.msg[data-author="${Number(data.user)}"] .msg-head .author`).forEach((node) => {
      node.textContent = data.name;
    });
    if (old) {
      document.querySelectorAll(".msg .mention").forEach((node) => {
        if (node.textContent.toLowerCase() === "@" + old.toLowerCase()) node.textContent = "@" + data.username;
      });
    }
    config.members[data.user] = data.name;
    config.usernames[data.user] = data.username;
  });
  live.on("reaction.added", (data) => applyReaction(data, true));
  live.on("reaction.removed", (data) => applyReaction(data, false));

  live.on("message.read", (data) => {
    if (data.user === config.me) {
      setUnread(data.channel, 0);
      readUpTo = Math.max(readUpTo, data.channel === config.channel ? data.message : 0);
      return;
    }
    if (data.channel !== config.channel) return;
    $$("li.msg").forEach((li) => {
      if (Number(li.dataset.id) > data.message || li.dataset.author === String(data.user)) return;
      if (!(String(data.user) in config.members)) return;  // only the team's members are listed
      const ids = new Set(li.dataset.seen ? li.dataset.seen.split(",") : []);
      if (ids.has(String(data.user))) return;
      ids.add(String(data.user));
      li.dataset.seen = Array.from(ids).join(",");
      updateSeen(li);
    });
  });

  live.on("channel.created", (data) => {
    if ($(`#channel-list li[data-channel="${data.channel}"]`)) return;
    const li = el("li");
    li.dataset.channel = data.channel;
    const link = el("a");
    link.href = `${config.channelUrl}${data.channel}/`;
    link.append(el("span", "hash", "#"), " ", el("span", "cname", data.name));
    const unread = el("span", "unread", "0");
    unread.dataset.count = 0;
    unread.hidden = true;
    li.append(link, " ", unread);
    $("#channel-list").append(li);
  });

  live.on("thread.subscription", (data) => {
    if (data.user === config.me && openThread === data.message) showSubscription(data.state);
  });

  // Presence and typing (ephemeral frames) ------------------------------------------------------
  const online = new Set();
  function renderPresence() {
    $$("#presence li").forEach((li) => {
      const on = online.has(Number(li.dataset.user));
      li.className = on ? "online" : "offline";
      const state = $(".state", li);
      if (state) state.textContent = on ? S.online : "";
    });
  }
  live.onFrame("presence", (frame) => {
    if (frame.online) { online.clear(); frame.online.forEach((id) => online.add(id)); }
    else if (frame.state === "online") online.add(frame.user);
    else if (frame.state === "offline") online.delete(frame.user);
    renderPresence();
  });

  const typing = new Map();  // user id -> {name, thread, until}
  function renderTyping() {
    const now = Date.now();
    for (const [id, entry] of typing) if (entry.until < now) typing.delete(id);
    const render = (node, inThread) => {
      if (!node) return;
      const names = Array.from(typing.values()).filter((e) => inThread ? e.thread === openThread && e.thread : !e.thread)
        .map((e) => e.name);
      node.textContent = names.length === 0 ? "" : names.length === 1 ? fmt(S.typingOne, {name: names[0]}) : S.typingMany;
    };
    render($("#typing"), false);
    render($("#thread-typing"), true);
  }
  function clearTyping(userId) { typing.delete(userId); renderTyping(); }
  live.onFrame("typing", (frame) => {
    if (frame.channel !== config.channel || frame.user === config.me) return;
    typing.set(frame.user, {name: frame.name, thread: frame.thread || null, until: Date.now() + 6000});
    renderTyping();
    setTimeout(renderTyping, 6100);
  });

  let lastTyping = 0;
  function sendTyping(thread) {
    const now = Date.now();
    if (now - lastTyping < 3000) return;
    lastTyping = now;
    live.sendEphemeral("typing", {channel: config.channel, thread: thread || null});
  }

  // Writing -----------------------------------------------------------------------------------------
  function composer(form, thread) {
    if (!form) return;
    const textarea = $("textarea", form);
    const submit = (event) => {
      event.preventDefault();
      const body = textarea.value.trim();
      const withFiles = chatFiles.pending(form);  // then posted over HTTP (static/js/chatfiles.js)
      if (!body && !withFiles) return;
      const data = {channel: config.channel, body: body};
      const threadId = thread();
      if (threadId) data.thread = threadId;
      textarea.disabled = true;
      (withFiles ? chatFiles.send(form, config.filesUrl, data) : live.send("message.post", data)).then(() => {
        textarea.value = "";
        lastTyping = 0;
      }).catch(showError).finally(() => { textarea.disabled = false; textarea.focus(); });
    };
    form.addEventListener("submit", submit);
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
    });
    textarea.addEventListener("input", () => { if (textarea.value.trim()) sendTyping(thread()); });
  }
  composer($("#composer"), () => null);
  composer($("#reply-composer"), () => openThread);
  [$("#composer"), $("#reply-composer")].forEach((form) => {
    if (!form) return;
    chatFiles.attach(form, S);
    emojiPicker($(".emoji-toggle", form), $("textarea", form), config.emoji, S);
  });

  /* "Quote": the message's text as a Markdown quote, with its author, into the composer it was read in. */
  function quote(li) {
    const form = li.closest("#thread") ? $("#reply-composer") : $("#composer");
    const textarea = form && $("textarea", form);
    if (!textarea) return;
    const source = li.dataset.body !== undefined ? li.dataset.body : $(".msg-body", li).innerText.trim();
    const lines = [fmt(S.quoteBy, {name: $(".author", li).textContent.trim()}), ...source.split("\n")];
    const text = lines.map((line) => ("> " + line).trimEnd()).join("\n") + "\n\n";
    const before = textarea.value && !textarea.value.endsWith("\n") ? textarea.value + "\n\n" : textarea.value;
    textarea.value = before + text;
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = textarea.value.length;
  }

  function showError(frame) { dom.showError(frame.message); }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    const li = target.closest("li.msg");
    const id = li ? Number(li.dataset.id) : null;
    if (target.matches(".add-reaction") || target.matches(".reaction")) {
      const mine = target.matches(".reaction.mine");
      live.send(mine ? "reaction.remove" : "reaction.add", {message: id, emoji: target.dataset.emoji}).catch(showError);
      target.closest("details")?.removeAttribute("open");
    } else if (target.matches(".delete")) {
      window.confirmDialog(S.confirmDelete).then((yes) => { if (yes) live.send("message.delete", {message: id}).catch(showError); });
    } else if (target.matches(".quote")) {
      quote(li);
    } else if (target.matches(".edit")) {
      startEdit(li, id);
    } else if (target.matches(".replies")) {
      openThreadPane(Number(target.dataset.thread));
    }
  });

  function startEdit(li, id) {
    if ($("form.edit-form", li)) return;
    const body = $(".msg-body", li);
    const form = el("form", "edit-form");
    const textarea = el("textarea");
    textarea.rows = 3;
    textarea.maxLength = 10000;
    textarea.setAttribute("aria-label", S.edit);
    form.append(textarea, button("link cancel", S.cancel));
    const save = el("button", "primary", S.save);
    form.append(save);
    body.hidden = true;
    li.insertBefore(form, body.nextSibling);
    textarea.value = li.dataset.body !== undefined ? li.dataset.body : body.innerText.trim();
    const close = () => { form.remove(); body.hidden = false; };
    $(".cancel", form).addEventListener("click", close);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      live.send("message.edit", {message: id, body: textarea.value}).then(close).catch(showError);
    });
    textarea.focus();
    save.scrollIntoView({block: "nearest"});  // the form is taller than the message: keep Save in sight
  }

  // Threads -------------------------------------------------------------------------------------
  function showSubscription(state) {
    const follow = $("#thread-follow"), mute = $("#thread-mute");
    follow.dataset.state = state;
    follow.textContent = state === "follow" ? S.unfollow : S.follow;
    mute.textContent = state === "mute" ? S.unmute : S.mute;
  }
  $("#thread-follow")?.addEventListener("click", (event) => {
    const next = event.target.dataset.state === "follow" ? "" : "follow";
    live.send("thread.follow", {message: openThread, state: next}).catch(showError);
  });
  $("#thread-mute")?.addEventListener("click", () => {
    const next = $("#thread-follow").dataset.state === "mute" ? "" : "mute";
    live.send("thread.follow", {message: openThread, state: next}).catch(showError);
  });
  $("#thread-close")?.addEventListener("click", () => { threadPane.hidden = true; openThread = null; });

  function openThreadPane(rootId) {
    openThread = rootId;
    threadPane.hidden = false;
    $("#thread-root").textContent = "";
    $("#thread-replies").textContent = "";
    return fetch(`${config.historyUrl}?thread=${rootId}`, {credentials: "same-origin"}).then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then((page) => {
      if (openThread !== rootId) return;
      $("#thread-root").innerHTML = page.root;          // rendered by the server's templates
      // Replies that arrived live while the page was loading are newer than it: keep them after it.
      const arrived = $$("li.msg", $("#thread-replies"));
      $("#thread-replies").innerHTML = page.html;
      arrived.forEach((li) => {
        if (!$(`#thread-replies li.msg[data-id="${li.dataset.id}"]`)) $("#thread-replies").append(li);
      });
      $$(".replies", $("#thread-root")).forEach((node) => node.remove());
      showSubscription(page.subscription);
      threadOlder.dataset.before = page.before || "";
      threadOlder.hidden = !page.more;
      scrollDown($("#thread-scroll"));
      $("#reply-body")?.focus();
    }).catch(() => showError({message: S.loadFailed}));
  }

  // Older messages and replies, paged by id ------------------------------------------------------------
  const older = $("#older"), threadOlder = $("#thread-older");
  let loading = null;  // the request in flight
  function loadOlder(marker, target, scroller, thread) {
    if (loading) return loading;
    if (marker.hidden || !marker.dataset.before) return Promise.resolve();
    const query = `before=${marker.dataset.before}` + (thread ? `&thread=${thread}` : "");
    loading = fetch(`${config.historyUrl}?${query}`, {credentials: "same-origin"}).then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then((page) => {
      const height = scroller.scrollHeight;
      const template = document.createElement("template");
      template.innerHTML = page.html;                      // rendered by the server's templates
      Array.from(template.content.querySelectorAll("li.msg")).forEach((li) => {
        if ($(`li.msg[data-id="${li.dataset.id}"]`, target)) li.remove();   // already shown
      });
      target.prepend(template.content);
      scroller.scrollTop += scroller.scrollHeight - height;
      marker.dataset.before = page.before || "";
      marker.hidden = !page.more;
    }).catch(() => showError({message: S.loadFailed})).finally(() => { loading = null; });
    return loading;
  }
  const loadOlderMessages = () => loadOlder(older, list, stream, null);
  if (older) {
    $("button", older).addEventListener("click", loadOlderMessages);
    if ("IntersectionObserver" in window) {
      new IntersectionObserver((entries) => entries.forEach((entry) => entry.isIntersecting && loadOlderMessages()),
        {root: stream}).observe(older);
    }
  }
  if (threadOlder) {
    $("button", threadOlder).addEventListener("click",
      () => loadOlder(threadOlder, $("#thread-replies"), $("#thread-scroll"), openThread));
  }

  // @mentions (static/js/mention.js) -----------------------------------------------------------------
  const people = mention.peopleOf(config.members, config.usernames);
  const mentionMenu = (form) => form && mention.menu($("textarea", form), $(".mention-menu", form), people);
  mentionMenu($("#composer"));
  mentionMenu($("#reply-composer"));
  $$("li.msg", list).forEach(updateSeen);
  scrollDown(stream);

  // A permalink (?message=<id>, a notification's link): that message in view and highlighted; a reply
  // in its open thread. An older message is paged in until it is there.
  function highlight(li) {
    li.classList.add("focused");
    li.scrollIntoView({block: "center"});
  }
  function reveal(id, triedBefore) {
    const li = $(`li.msg[data-id="${id}"]`, list);
    if (li) {
      highlight(li);
    } else if (older && !older.hidden && older.dataset.before && older.dataset.before !== triedBefore) {
      const before = older.dataset.before;  // no progress (a failed load) ends the search
      loadOlderMessages().then(() => reveal(id, before));
    }
  }
  const focus = config.focus;
  if (focus && focus.thread) {
    openThreadPane(focus.thread).then(() => {
      const reply = $(`#thread-replies li.msg[data-id="${focus.message}"]`);
      if (reply) highlight(reply);
    });
  } else if (focus) {
    reveal(focus.message);
  }
})();
