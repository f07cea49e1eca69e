/* The live task board (frames: docs/board.md).
 *
 * The page is rendered at sequence number N; LiveTeam resumes after N, so every change
 * since arrives as an event and is applied here, in order, exactly once. Each tile keeps
 * the server's state in data attributes (column, rank, version); the DOM order may run
 * ahead optimistically while a move is in flight and is put back from those attributes
 * when the server refuses. No user text is ever inserted as HTML: tiles are built with
 * textContent; the card dialog is rendered (and sanitised) by the server.
 */
(function () {
  "use strict";
  const config = dom.parseJSON(document.getElementById("board-config").textContent, null);
  if (!config) return;
  const T = config.text;
  const el = dom.el;
  const boardEl = document.getElementById("board");
  const dialog = document.getElementById("card-dialog");
  const dialogBody = document.getElementById("card-dialog-body");
  const announcer = document.getElementById("board-announce");
  const filterForm = document.getElementById("board-filters");
  const live = window.LiveTeam.connect(config.slug, config.seq);
  window.boardLive = live;  // for tests and debugging
  let openCard = null;

  // Helpers ---------------------------------------------------------------------------------
  const tileOf = (id) => document.getElementById(`card-${id}`);
  const columnOf = (id) => document.getElementById(`column-${id}`);
  const listOf = (id) => { const column = columnOf(id); return column && column.querySelector("ol.cards"); };
  const columns = () => Array.from(boardEl.querySelectorAll("section.column[data-column]"));
  const tilesIn = (list) => Array.from(list.querySelectorAll(":scope > li.tile"));
  const isLive = () => live.state === "live";

  function byRank(a, b) {
    const ra = a.dataset.rank, rb = b.dataset.rank;
    if (ra < rb) return -1;
    if (ra > rb) return 1;
    return Number(a.dataset.card || a.dataset.column) - Number(b.dataset.card || b.dataset.column);
  }

  function announce(text) { announcer.textContent = ""; announcer.textContent = text; }

  const showError = dom.showError;

  function fail(error) {
    showError(error && error.message ? error.message : String(error));
  }

  /* Put a tile where the server says it is (its data-column / data-rank). */
  function place(tile) {
    const list = listOf(tile.dataset.column);
    if (!list) { tile.remove(); return; }
    const others = tilesIn(list).filter((other) => other !== tile);
    const before = others.find((other) => byRank(tile, other) < 0) || null;
    if (tile.parentNode !== list || tile.nextElementSibling !== before) list.insertBefore(tile, before);
  }

  function placeColumn(column) {
    const others = columns().filter((other) => other !== column);
    const before = others.find((other) => byRank(column, other) < 0) || boardEl.querySelector(".add-column");
    if (column.nextElementSibling !== before) boardEl.insertBefore(column, before);
  }

  function updateCounts() {
    columns().forEach((column) => {
      const count = column.querySelectorAll("li.tile").length;
      const wip = Number(column.dataset.wip || 0);
      column.querySelector(".count .n").textContent = count;
      const over = wip > 0 && count > wip;
      column.classList.toggle("over-limit", over);
      column.querySelector(".wip-warning").hidden = !over;
    });
  }

  // Tiles -----------------------------------------------------------------------------------
  function renderTile(state) {
    const overdue = state.due_date && state.due_date < config.today && !isDoneColumn(state.column);
    const tile = el("li", `tile prio-${state.priority}${overdue ? " overdue" : ""}`);
    tile.id = `card-${state.card}`;
    Object.assign(tile.dataset, {
      card: state.card, version: state.version, rank: state.rank, column: state.column,
      assignees: state.assignees.join(","), labels: state.labels.join(","), goals: state.goals.join(","),
      due: state.due_date || "",
    });
    tile.tabIndex = 0;
    if (config.canContribute) tile.draggable = true;
    if (config.canContribute) tile.appendChild(handle());
    const link = el("a", "tile-title", state.title);
    link.href = cardUrl(state.card);
    link.dataset.openCard = "";
    link.draggable = false;
    tile.appendChild(link);
    const meta = el("div", "tile-meta");
    state.label_info.forEach((label) => {
      const chip = el("span", "label", label.name);
      chip.dataset.label = label.id;  // a rename or recolour (labels.js) finds every chip of the label
      dom.paintLabel(chip, label.color);
      meta.appendChild(chip);
    });
    state.goal_codes.forEach((code) => meta.appendChild(el("span", "goal", code)));
    if (state.priority !== "normal") meta.appendChild(el("span", "prio", T.priority[state.priority] || state.priority));
    if (state.due_date) {
      const due = el("span", "due");
      due.appendChild(el("span", "sr", overdue ? T.overdue : T.due));
      due.appendChild(document.createTextNode(` ${dom.isoDateText(state.due_date, config.dateFormat)}`));
      meta.appendChild(due);
    }
    if (state.checklist_total) meta.appendChild(el("span", "check", `☑ ${state.checklist_done}/${state.checklist_total}`));
    if (state.comments) meta.appendChild(el("span", "comments", `✉ ${state.comments}`));
    if (state.attachments) meta.appendChild(el("span", "files", `▤ ${state.attachments}`));
    const people = el("span", "people");
    state.assignees.forEach((id) => {
      const name = (state.people || {})[id] || "?";
      const person = config.people[id] || {name: name, initials: name.split(/\s+/).map((part) => part[0] || "").join("").slice(0, 2).toUpperCase()};
      const avatar = el("span", "avatar small", person.initials);
      avatar.title = person.name;
      people.appendChild(avatar);
    });
    meta.appendChild(people);
    tile.appendChild(meta);
    return tile;
  }

  function handle() {  // touch drag starts here (board_views.js); same markup as teams/board/tiles.py
    const grip = el("span", "drag-handle", "⠿");
    grip.setAttribute("aria-hidden", "true");
    return grip;
  }

  function isDoneColumn(id) { const column = columnOf(id); return column && column.dataset.done === "1"; }

  function applyCard(state, flash) {
    const old = tileOf(state.card);
    if (old && Number(old.dataset.version) > state.version) return;  // never go back in time
    const tile = renderTile(state);
    const hadFocus = old && document.activeElement === old;
    if (old) old.replaceWith(tile);
    place(tile);
    applyFilter(tile);
    if (hadFocus) tile.focus();
    if (flash) { tile.classList.add("flash"); setTimeout(() => tile.classList.remove("flash"), 1000); }
    updateCounts();
  }

  // Filters ---------------------------------------------------------------------------------
  function currentFilter() {
    const data = new FormData(filterForm);
    return {mine: data.get("mine") === "1", overdue: data.get("overdue") === "1", label: data.get("label") || "",
            goal: data.get("goal") || "", assignee: data.get("assignee") || ""};
  }

  function applyFilter(tile) {
    const filter = currentFilter();
    const list = (name) => (tile.dataset[name] ? tile.dataset[name].split(",") : []);
    let show = true;
    if (filter.mine && !list("assignees").includes(String(config.me))) show = false;
    if (filter.assignee && !list("assignees").includes(filter.assignee)) show = false;
    if (filter.label && !list("labels").includes(filter.label)) show = false;
    if (filter.goal && !list("goals").includes(filter.goal)) show = false;
    if (filter.overdue && !(tile.dataset.due && tile.dataset.due < config.today && !isDoneColumn(tile.dataset.column))) show = false;
    tile.hidden = !show;
  }

  // The server renders the filtered board; a changed filter asks it again.
  filterForm.addEventListener("change", () => filterForm.requestSubmit ? filterForm.requestSubmit() : filterForm.submit());

  // Events from the server ------------------------------------------------------------------
  const CARD_EVENTS = ["card.created", "card.updated", "card.moved", "card.checklist_changed", "card.commented",
                       "card.attachment_added", "card.attachment_removed", "card.restored"];
  CARD_EVENTS.forEach((kind) => live.on(kind, (data, frame) => {
    applyCard(data, frame.actor !== config.me);
    refreshDialog(data.card, frame);
  }));

  live.on("card.archived", (data) => {
    const tile = tileOf(data.card);
    if (tile) tile.remove();
    updateCounts();
    if (openCard === data.card) { dialog.close(); announce(T.removed); }
  });

  live.on("column.reranked", (data) => {
    Object.entries(data.ranks).forEach(([id, rank]) => { const tile = tileOf(id); if (tile) tile.dataset.rank = rank; });
    const list = listOf(data.column);
    if (list) tilesIn(list).sort(byRank).forEach((tile) => list.appendChild(tile));
  });

  live.on("columns.reranked", (data) => {
    Object.entries(data.ranks).forEach(([id, rank]) => { const column = columnOf(id); if (column) column.dataset.rank = rank; });
    columns().sort(byRank).forEach(placeColumn);
  });

  live.on("board.created", (data) => data.columns.forEach(addColumn));
  live.on("column.created", (data) => addColumn(data));
  live.on("column.updated", (data) => {
    const column = columnOf(data.column);
    if (!column) return;
    setColumnState(column, data);
    updateCounts();
  });
  live.on("column.moved", (data) => {
    const column = columnOf(data.column);
    if (!column) return;
    column.dataset.rank = data.rank;
    placeColumn(column);
  });
  live.on("column.archived", (data) => { const column = columnOf(data.column); if (column) column.remove(); });
  // The team's lifecycle decides whether the board is editable: render it again.
  // member.anonymised: an erased person's name on the tiles (teams/erasure) is the server's to render again.
  ["team.concluded", "team.archived", "team.extended", "member.anonymised"].forEach((kind) =>
    live.on(kind, () => location.reload()));

  function setColumnState(column, data) {
    column.dataset.rank = data.rank;
    column.dataset.wip = data.wip_limit || "";
    column.dataset.done = data.is_done ? "1" : "0";
    column.dataset.enforce = data.enforce_wip ? "1" : "0";
    column.querySelector(".column-name").textContent = data.name;
    column.querySelector(".wip").textContent = data.wip_limit || "";
    column.querySelector(".wip-of").hidden = !data.wip_limit;
    column.querySelector("ol.cards").setAttribute("aria-label", data.name);
    const form = column.querySelector("[data-column-form]");
    if (form && !form.contains(document.activeElement)) {
      form.elements.name.value = data.name;
      form.elements.wip_limit.value = data.wip_limit || "";
      form.elements.is_done.checked = !!data.is_done;
      form.elements.enforce_wip.checked = !!data.enforce_wip;
    }
  }

  function addColumn(data) {
    if (columnOf(data.column)) return;
    const template = document.getElementById("column-template");
    const column = template.content.firstElementChild.cloneNode(true);
    column.id = `column-${data.column}`;
    column.dataset.column = data.column;
    column.setAttribute("aria-labelledby", `column-name-${data.column}`);
    column.querySelector(".column-name").id = `column-name-${data.column}`;
    const form = column.querySelector("[data-column-form]");
    if (form) form.action = form.action.replace(/\/columns\/0\/$/, `/columns/${data.column}/`);
    const input = column.querySelector("[data-add-card] input");
    if (input) {
      input.id = `add-${data.column}`;
      column.querySelector("[data-add-card] label").htmlFor = input.id;
    }
    setColumnState(column, data);
    boardEl.insertBefore(column, boardEl.querySelector(".add-column"));
    placeColumn(column);
    updateCounts();
  }

  // Commands --------------------------------------------------------------------------------
  function moveCard(tile, columnId, afterTile) {
    if (!isLive()) { showError(T.offline); place(tile); return Promise.resolve(); }
    const list = listOf(columnId);
    const undo = whereItIs(tile);
    // Show it at once; the event (or a refusal) settles it.
    list.insertBefore(tile, afterTile ? afterTile.nextElementSibling : list.firstElementChild);
    updateCounts();
    const position = tilesIn(list).indexOf(tile) + 1;
    const columnName = columnOf(columnId).querySelector(".column-name").textContent;
    const version = Number(tile.dataset.version);
    return live.send("card.move", {
      card: Number(tile.dataset.card), column: Number(columnId),
      after: afterTile ? Number(afterTile.dataset.card) : null, version: version,
    }).then((ack) => {
      // Undo: the inverse move, checked like any (a change meanwhile makes it "stale"); the move made it version + 1.
      if (ack.seq !== null) {
        offerUndo(T.movedUndo, () => live.send("card.move", {card: Number(tile.dataset.card), column: undo.column,
                                                             after: undo.after, version: version + 1}));
      }
      const over = columnOf(columnId) && columnOf(columnId).classList.contains("over-limit");
      announce((over ? T.movedOverLimit : T.moved).replace("%(title)s", tile.querySelector(".tile-title").textContent)
        .replace("%(column)s", columnName).replace("%(position)s", position));
      if (ack.seq === null) { const current = tileOf(tile.dataset.card); if (current) place(current); }
    }).catch((error) => {
      const current = tileOf(tile.dataset.card);
      if (current) { place(current); updateCounts(); }
      if (current && document.activeElement === tile) current.focus();
      fail(error);
    });
  }

  /* Where the server has the tile (its column, the card above it by rank), before a move shows it elsewhere. */
  function whereItIs(tile) {
    const list = listOf(tile.dataset.column);
    const above = list ? tilesIn(list).filter((other) => other !== tile && byRank(other, tile) < 0).sort(byRank).pop() : null;
    return {column: Number(tile.dataset.column), after: above ? Number(above.dataset.card) : null};
  }

  function offerUndo(text, inverse) {
    window.UndoToast.show(text, () => inverse().then(() => announce(T.undone)).catch(fail));
  }

  function cardUrl(id) { return config.cardUrl.replace(/\/cards\/0\/$/, `/cards/${id}/`); }

  // Drag and drop: cards --------------------------------------------------------------------
  let dragged = null;
  let draggedColumn = null;

  boardEl.addEventListener("dragstart", (event) => {
    const tile = event.target.closest && event.target.closest("li.tile");
    if (tile && config.canContribute) {
      if (!isLive()) { event.preventDefault(); showError(T.offline); return; }
      dragged = tile;
      tile.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", `card:${tile.dataset.card}`);
      return;
    }
    const head = event.target.closest && event.target.closest(".column-head");
    if (head && config.canEdit) {
      if (!isLive()) { event.preventDefault(); showError(T.offline); return; }
      draggedColumn = head.closest("section.column");
      draggedColumn.classList.add("dragging-column");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", `column:${draggedColumn.dataset.column}`);
    }
  });

  function tileAfterPointer(list, y) {
    // The last tile whose middle is above the pointer: the dragged card goes below it.
    let after = null;
    tilesIn(list).forEach((tile) => {
      if (tile === dragged) return;
      const box = tile.getBoundingClientRect();
      if (box.top + box.height / 2 < y) after = tile;
    });
    return after;
  }

  boardEl.addEventListener("dragover", (event) => {
    if (dragged) {
      const column = event.target.closest("section.column[data-column]");
      if (!column || !dragged.isConnected) return;
      event.preventDefault();
      const list = column.querySelector("ol.cards");
      const after = tileAfterPointer(list, event.clientY);
      const before = after ? after.nextElementSibling : list.firstElementChild;
      if (before !== dragged && dragged.nextElementSibling !== before || dragged.parentNode !== list) {
        list.insertBefore(dragged, before === dragged ? dragged.nextElementSibling : before);
      }
      columns().forEach((other) => other.classList.toggle("drop-target", other === column));
    } else if (draggedColumn) {
      event.preventDefault();
      const after = columns().filter((column) => column !== draggedColumn &&
        column.getBoundingClientRect().left + column.offsetWidth / 2 < event.clientX).pop() || null;
      const before = after ? after.nextElementSibling : columns()[0];
      if (before !== draggedColumn) boardEl.insertBefore(draggedColumn, before);
    }
  });

  boardEl.addEventListener("drop", (event) => {
    if (dragged) {
      event.preventDefault();
      const tile = dragged;
      if (!tile.isConnected) { dragged = null; return; }  // someone else moved it meanwhile: redrawn from the event
      const list = tile.parentNode;
      const column = list.closest("section.column");
      const previous = tilesIn(list)[tilesIn(list).indexOf(tile) - 1] || null;
      dragged = null;
      tile.classList.remove("dragging");
      columns().forEach((other) => other.classList.remove("drop-target"));
      moveCard(tile, column.dataset.column, previous);
    } else if (draggedColumn) {
      event.preventDefault();
      const column = draggedColumn;
      draggedColumn = null;
      column.classList.remove("dragging-column");
      const all = columns();
      const previous = all[all.indexOf(column) - 1] || null;
      sendColumnMove(column, previous);
    }
  });

  boardEl.addEventListener("dragend", () => {
    if (dragged) {  // dropped outside a column: back to where the server has it
      dragged.classList.remove("dragging");
      place(dragged);
      dragged = null;
      updateCounts();
    }
    if (draggedColumn) {
      draggedColumn.classList.remove("dragging-column");
      placeColumn(draggedColumn);
      draggedColumn = null;
    }
    columns().forEach((other) => other.classList.remove("drop-target"));
  });

  function sendColumnMove(column, previous) {
    live.send("column.move", {column: Number(column.dataset.column),
                              after: previous ? Number(previous.dataset.column) : null})
      .catch((error) => { placeColumn(column); fail(error); });
  }

  // Keyboard --------------------------------------------------------------------------------
  boardEl.addEventListener("keydown", (event) => {
    const tile = event.target.closest && event.target.closest("li.tile");
    if (!tile || event.target !== tile) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      openDialog(Number(tile.dataset.card));
      return;
    }
    if (!event.altKey || !config.canContribute) return;
    const list = tile.parentNode;
    const tiles = tilesIn(list).filter((other) => other !== tile);
    const index = tilesIn(list).indexOf(tile);
    const all = columns();
    const here = all.indexOf(list.closest("section.column"));
    let target = null, after = null;
    if (event.key === "ArrowUp" && index > 0) {
      target = all[here]; after = tiles[index - 2] || null;
    } else if (event.key === "ArrowDown" && index < tiles.length) {
      target = all[here]; after = tiles[index];
    } else if (event.key === "ArrowLeft" && here > 0) {
      target = all[here - 1];
    } else if (event.key === "ArrowRight" && here < all.length - 1) {
      target = all[here + 1];
    } else {
      return;
    }
    event.preventDefault();
    moveCard(tile, target.dataset.column, after).then(() => { const current = tileOf(tile.dataset.card); if (current) current.focus(); });
    tile.focus();
  });

  // Clicks ----------------------------------------------------------------------------------
  boardEl.addEventListener("click", (event) => {
    const link = event.target.closest("[data-open-card]");
    const tile = event.target.closest("li.tile");
    if (link || (tile && !event.target.closest("a, button, input"))) {
      event.preventDefault();
      openDialog(Number((link || tile).closest("li.tile").dataset.card));
      return;
    }
    const column = event.target.closest("section.column[data-column]");
    if (!column) return;
    const all = columns();
    const index = all.indexOf(column);
    if (event.target.closest("[data-column-left]") && index > 0) {
      sendColumnMove(column, all[index - 2] || null);
    } else if (event.target.closest("[data-column-right]") && index < all.length - 1) {
      sendColumnMove(column, all[index + 1]);
    } else if (event.target.closest("[data-column-archive]")) {
      window.confirmDialog(T.confirmArchiveColumn).then((yes) => {
        if (yes) live.send("column.archive", {column: Number(column.dataset.column)}).catch(fail);
      });
    }
  });

  boardEl.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-add-card]")) {
      event.preventDefault();
      const input = form.elements.title;
      const column = form.closest("section.column");
      live.send("card.create", {column: Number(column.dataset.column), title: input.value})
        .then(() => { input.value = ""; }).catch(fail);
    } else if (form.matches("[data-add-column]")) {
      event.preventDefault();
      live.send("column.create", {name: form.elements.name.value})
        .then(() => { form.elements.name.value = ""; }).catch(fail);
    } else if (form.matches("[data-column-form]")) {
      event.preventDefault();
      const column = form.closest("section.column");
      const wip = form.elements.wip_limit.value;
      live.send("column.update", {column: Number(column.dataset.column), name: form.elements.name.value,
                                  wip_limit: wip ? Number(wip) : null, is_done: form.elements.is_done.checked,
                                  enforce_wip: form.elements.enforce_wip.checked})
        .then(() => { form.closest("details").open = false; }).catch(fail);
    }
  });

  // The card dialog -------------------------------------------------------------------------
  // The open card's URL is in the address bar (to share it); Back or closing returns to the board.
  function openDialog(id, fromHistory) {
    openCard = id;
    window.htmx.ajax("GET", cardUrl(id), {target: "#card-dialog-body", swap: "innerHTML"}).then(() => {
      if (!fromHistory && location.pathname !== cardUrl(id)) history.pushState({card: id}, "", cardUrl(id));
      if (!dialog.open) dialog.showModal();
    });
  }

  window.addEventListener("popstate", (event) => {
    if (event.state && event.state.card) openDialog(event.state.card, true);
    else if (dialog.open) dialog.close();
  });

  window.BoardLabels.attach(live, config.canEdit ? T : null);
  window.CardInline.attach(dialogBody, live, () =>
    window.htmx.ajax("GET", cardUrl(openCard), {target: "#card-dialog-body", swap: "innerHTML"}));

  function refreshDialog(id, frame) {
    if (!dialog.open || openCard !== id) return;
    const active = document.activeElement;
    const typing = dialog.contains(active) && active.matches("input[type=text], input[type=date], textarea, input[type=file]");
    if (frame.actor === config.me && !["card.moved", "card.checklist_changed"].includes(frame.event)) return;
    if (!typing) window.htmx.ajax("GET", cardUrl(id), {target: "#card-dialog-body", swap: "innerHTML"});
  }

  dialog.addEventListener("close", () => {
    const tile = tileOf(openCard);
    openCard = null;
    if (history.state && history.state.card) history.back();
    if (tile) tile.focus();
  });
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog || event.target.closest("[data-close-dialog]")) { dialog.close(); return; }
    const detail = event.target.closest("[data-card-detail]");
    if (!detail) return;
    const tile = tileOf(openCard);
    if (event.target.closest("[data-move-card]") && tile) {
      const box = detail.querySelector("[data-move-to]");
      const columnId = box.querySelector("select[name=column]").value;
      const list = listOf(columnId);
      const others = tilesIn(list).filter((other) => other !== tile);
      const after = box.querySelector("select[name=position]").value === "bottom" ? others[others.length - 1] || null : null;
      moveCard(tile, columnId, after);
    } else if (event.target.closest("[data-archive-card]") && tile) {
      const card = openCard;
      const version = Number(tile.dataset.version);
      window.confirmDialog(T.confirmArchive).then((yes) => {
        if (!yes) return;
        live.send("card.archive", {card: card, version: version}).then(() => {
          offerUndo(T.archivedUndo, () => live.send("card.restore", {card: card, version: version + 1}));
        }).catch(fail);
      });
    }
  });
  dialog.addEventListener("change", (event) => {
    const box = event.target.closest("[data-check-item]");
    if (box) {
      live.send("checklist.check", {item: Number(box.dataset.checkItem), done: box.checked})
        .catch((error) => { box.checked = !box.checked; fail(error); });
    }
  });

  // While not live the board is read-only (live.js disables [data-needs-live]); say why once.
  document.addEventListener("live:state", (event) => {
    boardEl.setAttribute("aria-busy", event.detail.state === "live" ? "false" : "true");
    if (event.detail.state === "offline") showError(T.offline);
  });

  document.querySelectorAll("li.tile").forEach(applyFilter);
  // For the list, the swimlanes and touch drag (board_views.js): the same moves and dialog.
  window.boardApi = {config, boardEl, moveCard, openDialog, tileOf, listOf, place, isLive};
})();
