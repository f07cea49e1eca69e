/* The channel page on a phone (chat.css, max-width 820px): the channel list opens from a menu button over
 * the conversation; the thread is a full-screen overlay whose Back button closes it (chat.js's close). */
(function () {
  "use strict";
  const chat = document.getElementById("chat");
  const menu = document.querySelector("[data-chat-menu]");
  if (!chat || !menu) return;
  const side = document.getElementById("chat-side");

  function setOpen(open) {
    chat.classList.toggle("side-open", open);
    menu.setAttribute("aria-expanded", String(open));
    if (open) { const current = side.querySelector("a[aria-current]") || side.querySelector("a, button"); if (current) current.focus(); }
    else menu.focus();
  }

  menu.addEventListener("click", () => setOpen(!chat.classList.contains("side-open")));
  side.querySelector("[data-chat-menu-close]").addEventListener("click", () => setOpen(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && chat.classList.contains("side-open")) setOpen(false);
  });
  const back = document.querySelector("[data-thread-back]");
  const close = document.getElementById("thread-close");
  if (back && close) back.addEventListener("click", () => close.click());
  // The conversation takes the rest of the first screen below the page's header, so the composer shows at once.
  function fit() { chat.style.setProperty("--chat-top", `${Math.round(chat.getBoundingClientRect().top + window.scrollY)}px`); }
  window.addEventListener("resize", fit);
  fit();
})();
