/* Files in the chat's composers: dropped on a composer, pasted from the clipboard or chosen with its
 * "Attach" button, a file waits in the composer (removable) until the message is sent; chat.js then
 * posts the message with its files over HTTP (multipart, the board's upload checks on the server)
 * instead of the socket. The message comes back to every viewer as a `message.posted` event.
 */
(function () {
  "use strict";
  const waiting = new WeakMap();  // composer form -> [File]

  let strings = {};

  /* As Django's filesizeformat writes it on the server (one decimal, the page's language). */
  function sizeText(bytes) {
    if (bytes < 1024) return strings.bytes.replace("%(n)s", bytes);
    const number = new Intl.NumberFormat(document.documentElement.lang || undefined,
      {minimumFractionDigits: 1, maximumFractionDigits: 1});
    return bytes < 1048576 ? `${number.format(bytes / 1024)} KB` : `${number.format(bytes / 1048576)} MB`;
  }

  function render(form) {
    const list = form.querySelector(".pending-files");
    const files = waiting.get(form) || [];
    list.textContent = "";
    files.forEach((file, index) => {
      const item = dom.el("li", "", file.name + " ");
      item.append(dom.el("span", "muted", sizeText(file.size)));
      const remove = dom.el("button", "link remove-file", "✕");
      remove.type = "button";
      remove.setAttribute("aria-label", strings.removeFile.replace("%(name)s", file.name));
      remove.addEventListener("click", () => { files.splice(index, 1); render(form); });
      item.append(" ", remove);
      list.append(item);
    });
    list.hidden = files.length === 0;
  }

  function add(form, files) {
    if (!files.length) return;
    const list = waiting.get(form) || [];
    files.forEach((file) => {
      // A pasted screenshot is called "image.png": number it so two of them stay apart.
      list.push(file.name ? file : new File([file], `image-${list.length + 1}.png`, {type: file.type}));
    });
    waiting.set(form, list);
    render(form);
    form.querySelector("textarea")?.focus();
  }

  function attach(form, texts) {
    strings = texts;
    if (!form) return;
    const picker = form.querySelector("input[type=file]");
    picker?.addEventListener("change", () => { add(form, Array.from(picker.files)); picker.value = ""; });
    form.addEventListener("dragover", (event) => {
      if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
      event.preventDefault();
      form.classList.add("dropping");
    });
    form.addEventListener("dragleave", () => form.classList.remove("dropping"));
    form.addEventListener("drop", (event) => {
      form.classList.remove("dropping");
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      event.preventDefault();
      add(form, Array.from(event.dataTransfer.files));
    });
    form.addEventListener("paste", (event) => {
      const files = Array.from(event.clipboardData?.files || []);
      if (!files.length) return;  // text is pasted as text
      event.preventDefault();
      add(form, files);
    });
  }

  function pending(form) { return (waiting.get(form) || []).length > 0; }

  /* Post the form's waiting files with the text: resolves with {message, seq}, rejects with {message: error}. */
  function send(form, url, data) {
    const body = new FormData();
    (waiting.get(form) || []).forEach((file) => body.append("file", file, file.name));
    body.append("body", data.body || "");
    if (data.thread) body.append("thread", data.thread);
    const token = document.querySelector("[name=csrfmiddlewaretoken]");
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-CSRFToken": token ? token.value : ""}}).then((response) =>
      response.json().catch(() => ({error: String(response.status)})).then((answer) => {
        if (!response.ok) throw {message: answer.error || String(response.status)};
        waiting.set(form, []);
        form.querySelector(".pending-files").hidden = true;
        form.querySelector(".pending-files").textContent = "";
        return answer;
      }));
  }

  /* A message's files, as templates/discussion/_message.html shows them. */
  function build(files) {
    const list = dom.el("ul", "msg-files");
    files.forEach((file) => {
      const item = dom.el("li");
      const link = dom.el("a", file.image ? "" : "file", file.image ? null : file.name);
      link.href = file.url;
      if (file.image) {
        link.target = "_blank";
        link.rel = "noopener";
        const image = dom.el("img");
        image.src = file.preview;
        image.alt = file.name;
        image.width = file.width;
        image.height = file.height;
        link.append(image);
        item.append(link);
      } else {
        link.setAttribute("download", "");
        item.append(link, " ", dom.el("span", "muted size", sizeText(file.size)));
      }
      list.append(item);
    });
    return list;
  }

  window.chatFiles = {attach: attach, pending: pending, send: send, build: build};
})();
