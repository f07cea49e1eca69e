/* The bell: live personal notifications over /ws/me/ (protocol: realtime/notifications.py).
 * Unread count into [data-bell-count]; on the notifications page new items are prepended to
 * #notification-list. Texts arrive as plain text and are set with textContent (never HTML).
 * Every minute the socket re-asks (resume) so jobs run by a worker that cannot ring the
 * in-memory layer (embedded mode) still show up. */
(function () {
  "use strict";
  const badge = document.querySelector("[data-bell-count]");
  if (!badge || !window.WebSocket) return;
  const list = document.getElementById("notification-list");
  let last = list ? Number(list.dataset.last || 0) : 0;
  let socket, attempt = 0, poll;

  function showCount(unread) {
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = !unread;
    badge.closest("[data-bell]")?.classList.toggle("has-unread", unread > 0);
  }

  function markShown(frame) {  // read here or on another page
    if (!list || !frame.read) return;
    const items = frame.unread ? list.querySelectorAll(`li[data-id="${frame.id}"]`) : list.querySelectorAll(".unread");
    items.forEach((item) => item.classList.remove("unread"));
  }

  function prepend(frame) {
    if (!list || frame.id <= last) return;
    list.querySelector(".empty")?.remove();
    const item = document.createElement("li");
    item.className = "notification" + (frame.read ? "" : " unread");
    item.dataset.id = frame.id;
    const link = document.createElement("a");
    link.href = list.dataset.open.replace(/0\/$/, `${frame.id}/`);  // marks it read, then goes to frame.url
    link.textContent = frame.text;
    const time = document.createElement("time");
    time.className = "muted";
    time.dateTime = frame.at;
    time.textContent = list.dataset.justNow;
    item.append(link, " ", time);
    list.prepend(item);
  }

  function open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/me/`);
    socket.onopen = () => { attempt = 0; socket.send(JSON.stringify({type: "resume", after: last})); };
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.type === "notification") {
        prepend(frame);
        markShown(frame);
        last = Math.max(last, frame.id);
        if (typeof frame.unread === "number") showCount(frame.unread);
        document.dispatchEvent(new CustomEvent("notify:new", {detail: frame}));
      } else if (frame.type === "resumed" || frame.type === "ack") {
        if (frame.type === "resumed" && !list) last = Math.max(last, frame.last || 0);
        showCount(frame.unread);
      }
    };
    socket.onclose = () => {
      clearInterval(poll);
      attempt += 1;
      setTimeout(open, Math.min(15000, 500 * 2 ** attempt));
    };
    clearInterval(poll);
    poll = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({type: "resume", after: last}));
    }, 60000);
  }

  document.getElementById("mark-all-read")?.addEventListener("click", (event) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;  // the form posts instead
    event.preventDefault();
    socket.send(JSON.stringify({type: "read", id: "all", all: true}));
    list?.querySelectorAll(".unread").forEach((item) => item.classList.remove("unread"));
  });
  open();
})();
