/* A card's own page (templates/board/card_page.html): the card dialog's content, live.
 * It resumes the team's events like the board does, shows the card again when an event
 * is about it, and sends checklist ticks (the only control there that is a command).
 */
(function () {
  "use strict";
  const config = dom.parseJSON(document.getElementById("card-config").textContent, null);
  if (!config) return;
  const body = document.getElementById("card-dialog-body");
  const live = window.LiveTeam.connect(config.slug, config.seq);

  const redraw = () => window.htmx.ajax("GET", location.pathname, {source: body, target: body, swap: "innerHTML"});

  function refresh() {
    const active = document.activeElement;
    if (body.contains(active) && active.matches("input[type=text], input[type=date], textarea, input[type=file]")) return;
    redraw();
  }
  // One's own inline edits are on the page already (cardedit.js): redrawing would take the focus away.
  live.on("*", (data, frame) => {
    if (!data || Number(data.card) !== config.card) return;
    if (frame.event === "card.updated" && frame.actor === config.me) return;
    refresh();
  });
  window.CardInline.attach(body, live, redraw);
  window.BoardLabels.attach(live, null);

  body.addEventListener("change", (event) => {
    const box = event.target.closest("[data-check-item]");
    if (!box) return;
    live.send("checklist.check", {item: Number(box.dataset.checkItem), done: box.checked}).catch((error) => {
      box.checked = !box.checked;
      dom.showError(error && error.message ? error.message : String(error));
    });
  });
})();
