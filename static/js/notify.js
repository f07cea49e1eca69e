/* The bell: live personal notifications over /ws/me/ (protocol: realtime/notifications.py), through
 * the same client as the team pages (LiveTeam.personal: resume, back-off, queue; static/js/live.js).
 * Unread count into [data-bell-count], unread direct messages into [data-dm-count]; on the notifications page new items are prepended to
 * #notification-list. Texts arrive as plain text and are set with textContent (never HTML).
 * Every minute the socket re-asks (resume) so jobs run by a worker that cannot ring the
 * in-memory layer (embedded mode) still show up. */
(function () {
  "use strict";
  const badge = document.querySelector("[data-bell-count]");
  if (!badge || !window.WebSocket) return;
  const list = document.getElementById("notification-list");
  const live = LiveTeam.personal(list ? Number(list.dataset.last || 0) : 0);

  function showCount(unread) {
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = !unread;
    badge.closest("[data-bell]")?.classList.toggle("has-unread", unread > 0);
  }

  const messagesBadge = document.querySelector("[data-dm-count]");  // unread direct messages (teams/direct)
  function showMessages(unread) {
    if (!messagesBadge || typeof unread !== "number") return;
    messagesBadge.textContent = unread > 99 ? "99+" : String(unread);
    messagesBadge.hidden = !unread;
  }

  function markShown(frame) {  // read here or on another page
    if (!list || !frame.read) return;
    const items = frame.unread ? list.querySelectorAll(`li[data-id="${frame.id}"]`) : list.querySelectorAll(".unread");
    items.forEach((item) => item.classList.remove("unread"));
  }

  function prepend(frame) {
    if (!list || frame.id <= live.seq) return;
    list.querySelector(".empty")?.remove();
    const item = dom.el("li", "notification" + (frame.read ? "" : " unread"));
    item.dataset.id = frame.id;
    const link = dom.el("a", "", frame.text);
    link.href = list.dataset.open.replace(/0\/$/, `${frame.id}/`);  // marks it read, then goes to frame.url
    const time = dom.el("time", "muted", list.dataset.justNow);
    time.dateTime = frame.at;
    item.append(link, " ", time);
    list.prepend(item);
  }

  live.onFrame("notification", (frame) => {
    prepend(frame);
    markShown(frame);
    live.seq = Math.max(live.seq, frame.id);  // where the next resume starts
    if (typeof frame.unread === "number") showCount(frame.unread);
    document.dispatchEvent(new CustomEvent("notify:new", {detail: frame}));
  });
  live.onFrame("resumed", (frame) => {
    if (!list) live.seq = Math.max(live.seq, frame.last || 0);  // elsewhere only the count is shown
    showCount(frame.unread);
    showMessages(frame.messages);
  });
  live.onFrame("messages", (frame) => {
    showMessages(frame.unread);
    document.dispatchEvent(new CustomEvent("messages:unread", {detail: frame}));  // the list follows (inbox.js)
  });

  document.getElementById("mark-all-read")?.addEventListener("click", (event) => {
    if (live.state !== "live") return;  // the form posts instead
    event.preventDefault();
    live.send("read", {all: true}).then((ack) => showCount(ack.unread), (error) => dom.showError(error.message));
    list?.querySelectorAll(".unread").forEach((item) => item.classList.remove("unread"));
  });
})();
