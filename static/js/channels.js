/* The channel page's channel management, pins and permalinks (after chat.js, on its socket):
 * the channel list and header follow channel.updated / archived / unarchived / members live; the "Pinned"
 * panel is reloaded from the server on pin events (events carry ids only); every message gets "Pin" and
 * "Copy link"; a permalink's page (far back) loads the newer pages on demand.
 * Strings come from the page's config (translated by the server).
 */
(function () {
  "use strict";
  if (!window.chat) return;
  const live = window.chat.live, config = window.chat.config;
  const S = config.channelStrings;
  const el = dom.el;
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  let canPin = config.canPin;

  // Pins and permalinks on every message (server-rendered or live) ------------------------------------
  const pinned = () => new Set($$("#pins-list li[data-message]").map((li) => Number(li.dataset.message)));

  function permalink(id) {
    return `${location.origin}${config.channelUrl}${config.channel}/?message=${id}`;
  }

  function decorate(li, pins) {
    if (li.classList.contains("deleted")) { $(".pin-actions", li)?.remove(); return; }
    let box = $(".pin-actions", li);
    if (!box) {
      box = el("span", "pin-actions");
      const copy = el("button", "link copy-link", S.copyLink);
      copy.type = "button";
      box.append(" ", copy);  // the space keeps "Pin" and "Copy link" apart (the Pin button goes first)
      $(".msg-foot", li)?.append(box);
    }
    let pin = $(".pin", box);
    if (canPin && !pin) {
      pin = el("button", "link pin");
      pin.type = "button";
      box.prepend(pin);
    } else if (!canPin && pin) {
      pin.remove();
      pin = null;
    }
    if (pin) {  // changed only when it differs: the observer below sees every change
      const on = pins.has(Number(li.dataset.id));
      if (pin.textContent !== (on ? S.unpin : S.pin)) pin.textContent = on ? S.unpin : S.pin;
      if (pin.dataset.pinned !== (on ? "1" : "")) pin.dataset.pinned = on ? "1" : "";
    }
  }
  function decorateAll() {
    const pins = pinned();
    $$("li.msg").forEach((li) => decorate(li, pins));
  }
  new MutationObserver(decorateAll).observe(document.getElementById("chat"), {childList: true, subtree: true});
  decorateAll();

  function showError(frame) { dom.showError(frame.message); }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    const li = target && target.closest("li.msg");
    if (!li) return;
    const id = Number(li.dataset.id);
    if (target.matches(".pin")) {
      live.send(target.dataset.pinned ? "message.unpin" : "message.pin", {message: id}).catch(showError);
    } else if (target.matches(".copy-link")) {
      const done = () => { target.textContent = S.copied; };
      if (navigator.clipboard) navigator.clipboard.writeText(permalink(id)).then(done, () => {});
      target.dataset.link = permalink(id);  // readable without the clipboard (and by the browser tests)
    }
  });

  // The unpin buttons of the panel send over the socket (their forms are the no-JavaScript way).
  document.addEventListener("submit", (event) => {
    const form = event.target.closest(".unpin-form");
    if (!form) return;
    event.preventDefault();
    live.send("message.unpin", {message: Number(form.elements.message.value)}).catch(showError);
  });

  let reloading = null;
  function reloadPins() {
    if (reloading) return reloading;
    reloading = fetch(config.pinsUrl, {credentials: "same-origin"}).then((response) => {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then((html) => {
      $("#pins").innerHTML = html;  // rendered by the server's templates
      $("#pin-count").textContent = $$("#pins-list li[data-message]").length;
      decorateAll();
    }).catch(() => showError({message: config.strings.loadFailed})).finally(() => { reloading = null; });
    return reloading;
  }
  const ours = (data) => data.channel === config.channel;
  live.on("message.pinned", (data) => ours(data) && reloadPins());
  live.on("message.unpinned", (data) => ours(data) && reloadPins());
  live.on("message.deleted", (data) => ours(data) && pinned().has(data.message) && reloadPins());

  // The channel list and header -----------------------------------------------------------------------
  function item(data) {
    return $(`.channel-list li[data-channel="${data.channel}"]`);
  }
  live.on("channel.updated", (data) => {
    const li = item(data);
    if (li) $(".cname", li).textContent = data.name;
    if (!ours(data)) return;
    $("#channel-name").textContent = data.name;
    $("#channel-topic").textContent = data.topic;
    $("#channel-topic").hidden = !data.topic;
  });
  function archived(data, on) {
    const li = item(data);
    if (li) $(on ? "#archived-list" : "#channel-list").append(li);
    if (!ours(data)) return;
    $("#channel-archived").hidden = !on;
    $("#archived-notice").hidden = !on;
    // Writing stops at once; unarchiving brings the composers back with a reload (their state is the server's).
    if (on) {
      canPin = false;
      $$("#composer, #reply-composer, .msg-actions").forEach((node) => { node.hidden = true; });
      decorateAll();
    } else if (config.canWrite) {
      window.location.reload();
    }
  }
  live.on("channel.archived", (data) => archived(data, true));
  live.on("channel.unarchived", (data) => archived(data, false));
  // A new private channel (chat.js listed it, as every new channel): marked as private.
  live.on("channel.created", (data) => {
    const hash = data.private && $(".hash", item(data) || document.createElement("li"));
    if (hash && hash.textContent !== "🔒") hash.replaceWith(el("span", "hash", "🔒"), el("span", "sr-only", S.private));
  });
  // Added to a private channel: it joins the list (chat.js adds new channels the same way).
  live.on("channel.members", (data) => {
    if (item(data) || !data.members.includes(config.me)) return;
    const li = el("li");
    li.dataset.channel = data.channel;
    const link = el("a");
    link.href = `${config.channelUrl}${data.channel}/`;
    link.append(el("span", "hash", "🔒"), el("span", "sr-only", S.private), " ", el("span", "cname", data.name));
    li.append(link);
    $("#channel-list").append(li);
  });

  // A permalink's page: the newer pages, loaded on demand up to the newest ----------------------------------
  const newer = $("#newer");
  if (newer) {
    $("button", newer).addEventListener("click", () => {
      fetch(`${config.historyUrl}?after=${newer.dataset.after}`, {credentials: "same-origin"}).then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then((page) => {
        const template = document.createElement("template");
        template.innerHTML = page.html;  // rendered by the server's templates
        Array.from(template.content.querySelectorAll("li.msg")).forEach((li) => {
          if (document.getElementById(li.id)) li.remove();
        });
        $("#messages").append(template.content);
        if (page.after) newer.dataset.after = page.after;
        newer.hidden = !page.more;
      }).catch(() => showError({message: config.strings.loadFailed}));
    });
  }
})();
