/* The board's other views and touch drag (docs/board.md, "Views").
 *
 * board.js keeps the columns (#board) up to date from the event stream; the list (#board-list) and the
 * swimlanes (#board-lanes) are drawn from those tiles again whenever they change (a MutationObserver), so
 * they are as live as the columns, replayed events included, and filtered alike (hidden tiles stay out).
 * Every move, from any view and any pointer, goes through board.js's moveCard: the same card.move command.
 * The chosen view is remembered in this browser (localStorage); ?view=list or ?lanes=goal in the URL wins.
 */
(function () {
  "use strict";
  const api = window.boardApi;  // board.js's: its config, the columns and the one way to move a card
  if (!api) return;
  const {config, boardEl} = api, T = config.views, el = dom.el;
  const [listEl, lanesEl, lanesBy] = ["board-list", "board-lanes", "board-lanes-by"].map((id) => document.getElementById(id));
  const tbody = listEl.querySelector("tbody");
  const switchButtons = Array.from(document.querySelectorAll("#board-views [data-view]"));
  const store = {
    get: (key) => { try { return localStorage.getItem(`board.${key}`); } catch (error) { return null; } },
    set: (key, value) => { try { localStorage.setItem(`board.${key}`, value); } catch (error) { /* private mode */ } },
  };
  const params = new URLSearchParams(location.search);
  let view = params.get("view") || store.get("view") || "columns";
  let lanes = params.get("lanes") !== null ? params.get("lanes") : (store.get("lanes") || "");
  if (!["columns", "list"].includes(view)) view = "columns";
  if (!["", "assignee", "goal"].includes(lanes)) lanes = "";
  let sort = {key: "board", dir: 1};
  let drag = null;  // a drag in progress in the lanes or by touch: redraws wait for its end

  // What the views show of a tile, read from the columns' DOM ---------------------------------------
  const ids = (tile, name) => (tile.dataset[name] ? tile.dataset[name].split(",") : []);
  const columnSections = () => Array.from(boardEl.querySelectorAll("section.column[data-column]"));
  const visibleTiles = (column) => Array.from(column.querySelectorAll("ol.cards > li.tile")).filter((tile) => !tile.hidden);
  const personName = (id) => (config.people[id] ? config.people[id].name : "?");

  function rowOf(tile, column, columnIndex, position) {
    return {
      tile: tile, card: tile.dataset.card, title: tile.querySelector(".tile-title").textContent,
      column: column.querySelector(".column-name").textContent, columnIndex: columnIndex, position: position,
      people: ids(tile, "assignees").map(personName), due: tile.dataset.due,
      overdue: tile.classList.contains("overdue"),
      labels: Array.from(tile.querySelectorAll(".label")).map((label) => label.textContent),
      goals: ids(tile, "goals").map((id) => config.goals[id] || "?"),
    };
  }

  function rows() {
    const all = [];
    columnSections().forEach((column, index) => visibleTiles(column).forEach((tile, position) =>
      all.push(rowOf(tile, column, index, position))));
    return all;
  }

  // The list -----------------------------------------------------------------------------------------
  const SORT_KEYS = {
    board: (row) => [row.columnIndex, row.position],
    title: (row) => [row.title],
    column: (row) => [row.columnIndex, row.position],
    people: (row) => [row.people.length ? 0 : 1, row.people.join(", ")],
    due: (row) => [row.due ? 0 : 1, row.due],
    labels: (row) => [row.labels.length ? 0 : 1, row.labels.join(", ")],
    goals: (row) => [row.goals.length ? 0 : 1, row.goals.join(", ")],
  };

  const EMPTY_LAST = new Set(["people", "due", "labels", "goals"]);  // cards without one stay at the end

  function compare(a, b) {
    const ka = SORT_KEYS[sort.key](a), kb = SORT_KEYS[sort.key](b);
    if (EMPTY_LAST.has(sort.key) && ka[0] !== kb[0]) return ka[0] - kb[0];
    for (let i = 0; i < ka.length; i++) {
      const order = typeof ka[i] === "string" ? ka[i].localeCompare(kb[i]) : ka[i] - kb[i];
      if (order) return order * sort.dir;
    }
    return a.columnIndex - b.columnIndex || a.position - b.position;
  }

  function cell(row, text, className) {
    const td = el("td", className, text);
    row.appendChild(td);
    return td;
  }

  function drawList() {
    const fragment = document.createDocumentFragment();
    rows().sort(compare).forEach((row) => {
      const tr = el("tr");
      tr.dataset.card = row.card;
      const title = el("td", "title");
      const link = el("a", "", row.title);
      link.href = row.tile.querySelector(".tile-title").getAttribute("href");
      link.dataset.openCard = "";
      title.appendChild(link);
      tr.appendChild(title);
      cell(tr, row.column, "column");
      cell(tr, row.people.join(", "), "people");
      const due = cell(tr, row.due ? dom.isoDateText(row.due, config.dateFormat) : "", row.overdue ? "due overdue" : "due");
      if (row.overdue) due.appendChild(el("span", "sr", ` (${config.text.overdue})`));
      cell(tr, row.labels.join(", "), "labels");
      cell(tr, row.goals.join(", "), "goals");
      fragment.appendChild(tr);
    });
    tbody.replaceChildren(fragment);
    listEl.querySelectorAll("th[data-sort]").forEach((th) => {
      th.setAttribute("aria-sort", th.dataset.sort !== sort.key ? "none" : (sort.dir > 0 ? "ascending" : "descending"));
    });
  }

  listEl.addEventListener("click", (event) => {
    const button = event.target.closest("th[data-sort] button");
    if (button) {
      const key = button.closest("th").dataset.sort;
      sort = {key: key, dir: sort.key === key ? -sort.dir : 1};
      drawList();
      return;
    }
    const link = event.target.closest("[data-open-card]");
    if (link) { event.preventDefault(); api.openDialog(Number(link.closest("tr").dataset.card)); }
  });

  // The swimlanes ------------------------------------------------------------------------------------
  function laneKeys(tile) {
    const keys = ids(tile, lanes === "assignee" ? "assignees" : "goals");
    return keys.length ? keys : [""];
  }

  function laneList() {
    const source = lanes === "assignee" ? config.people : config.goals;
    const names = {};
    Object.keys(source).forEach((id) => { names[id] = lanes === "assignee" ? source[id].name : source[id]; });
    boardEl.querySelectorAll("li.tile").forEach((tile) => laneKeys(tile).forEach((key) => {
      if (key && !(key in names)) names[key] = lanes === "assignee" ? personName(key) : "?";
    }));
    const keys = Object.keys(names).sort((a, b) => names[a].localeCompare(names[b]));
    return [...keys.map((key) => [key, names[key]]), ["", lanes === "assignee" ? T.unassigned : T.noGoal]];
  }

  function drawLanes() {
    const fragment = document.createDocumentFragment();
    const sections = columnSections();
    laneList().forEach(([key, name]) => {
      const lane = el("section", "lane");
      lane.dataset.lane = key;
      const head = el("h2", "lane-name", name);
      const count = el("span", "count");
      head.appendChild(count);
      lane.appendChild(head);
      const row = el("div", "lane-columns");
      let total = 0;
      sections.forEach((section) => {
        const columnName = section.querySelector(".column-name").textContent;
        const box = el("div", "lane-column");
        box.dataset.column = section.dataset.column;
        box.appendChild(el("h3", "lane-column-name", columnName));
        const list = el("ol", "cards");
        list.setAttribute("aria-label", `${columnName} · ${name}`);
        visibleTiles(section).filter((tile) => laneKeys(tile).includes(key)).forEach((tile) => {
          const copy = tile.cloneNode(true);
          copy.removeAttribute("id");
          copy.classList.remove("flash", "dragging");
          list.appendChild(copy);
          total += 1;
        });
        box.appendChild(list);
        row.appendChild(box);
      });
      count.textContent = ` ${total}`;
      lane.appendChild(row);
      fragment.appendChild(lane);
    });
    lanesEl.replaceChildren(fragment);
  }

  /* Where a card dropped in a lane goes in its real column: below the lane card above it; at the top of a lane,
   * above the lane card below it; in an empty lane cell, at the column's bottom. */
  function laneMove(copy) {
    const list = copy.parentNode;
    const columnId = list.closest(".lane-column").dataset.column;
    const tile = api.tileOf(copy.dataset.card);
    if (!tile) { draw(); return; }
    const lanePrevious = copy.previousElementSibling;
    const laneNext = copy.nextElementSibling;
    const real = Array.from(api.listOf(columnId).querySelectorAll(":scope > li.tile")).filter((other) => other !== tile);
    let after;
    if (lanePrevious) after = api.tileOf(lanePrevious.dataset.card);
    else if (laneNext) after = real[real.indexOf(api.tileOf(laneNext.dataset.card)) - 1] || null;
    else after = real[real.length - 1] || null;
    api.moveCard(tile, columnId, after);
    draw();
  }

  // Drawing and switching ----------------------------------------------------------------------------
  function draw() {
    if (drag) return;
    if (view === "list") drawList();
    else if (lanes) drawLanes();
  }

  function show() {
    const list = view === "list";
    boardEl.hidden = list || !!lanes;
    listEl.hidden = !list;
    lanesEl.hidden = list || !lanes;
    lanesBy.value = lanes;
    lanesBy.disabled = list;
    switchButtons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.view === view)));
    document.documentElement.dataset.boardView = list ? "list" : (lanes ? `lanes-${lanes}` : "columns");
    draw();
  }

  switchButtons.forEach((button) => button.addEventListener("click", () => {
    view = button.dataset.view;
    store.set("view", view);
    show();
  }));
  lanesBy.addEventListener("change", () => { lanes = lanesBy.value; store.set("lanes", lanes); show(); });
  new MutationObserver(draw).observe(boardEl, {childList: true, subtree: true, characterData: true, attributes: true,
                                               attributeFilter: ["hidden", "data-rank", "data-version", "class"]});

  // Lanes: open, mouse drag (HTML5) -----------------------------------------------------------------
  lanesEl.addEventListener("click", (event) => {
    const tile = event.target.closest("li.tile");
    if (tile && !event.target.closest(".drag-handle")) { event.preventDefault(); api.openDialog(Number(tile.dataset.card)); }
  });
  lanesEl.addEventListener("keydown", (event) => {
    const tile = event.target.closest("li.tile");
    if (tile && event.target === tile && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      api.openDialog(Number(tile.dataset.card));
    }
  });
  lanesEl.addEventListener("dragstart", (event) => {
    const tile = event.target.closest && event.target.closest("li.tile");
    if (!tile || !config.canContribute) return;
    if (!api.isLive()) { event.preventDefault(); dom.showError(config.text.offline); return; }
    drag = {copy: tile};
    tile.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", `card:${tile.dataset.card}`);
  });
  lanesEl.addEventListener("dragover", (event) => {
    if (!drag) return;
    const lane = drag.copy.closest(".lane");
    const list = event.target.closest(".lane-column ol.cards");
    if (!list || list.closest(".lane") !== lane) return;  // lanes group; a drop moves between columns only
    event.preventDefault();
    slot(drag.copy, list, event.clientY);
  });
  lanesEl.addEventListener("drop", (event) => {
    if (!drag) return;
    event.preventDefault();
    const copy = drag.copy;
    drag = null;
    laneMove(copy);
  });
  lanesEl.addEventListener("dragend", () => { if (drag) { drag = null; draw(); } });

  /* Put `moving` in `list` below the last card whose middle is above y. */
  function slot(moving, list, y) {
    let after = null;
    list.querySelectorAll(":scope > li.tile").forEach((tile) => {
      if (tile === moving) return;
      const box = tile.getBoundingClientRect();
      if (box.top + box.height / 2 < y) after = tile;
    });
    const before = after ? after.nextElementSibling : list.firstElementChild;
    if (before !== moving) list.insertBefore(moving, before);
  }

  // Touch (and pen) drag: pointer events on a tile's handle, which has touch-action: none -------------------
  // The page scrolls anywhere else; the mouse keeps HTML5 drag and drop.
  document.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle || event.pointerType === "mouse" || !config.canContribute || event.button > 0) return;
    const tile = handle.closest("li.tile");
    if (!tile || !(boardEl.contains(tile) || lanesEl.contains(tile))) return;
    if (!api.isLive()) { dom.showError(config.text.offline); return; }
    event.preventDefault();
    if (handle.setPointerCapture) { try { handle.setPointerCapture(event.pointerId); } catch (error) { /* synthetic */ } }
    drag = {copy: tile, pointer: event.pointerId, inLanes: lanesEl.contains(tile)};
    tile.classList.add("dragging", "touch-dragging");
  });
  document.addEventListener("pointermove", (event) => {
    if (!drag || drag.pointer !== event.pointerId) return;
    event.preventDefault();
    const under = document.elementFromPoint(event.clientX, event.clientY);
    const scope = drag.inLanes ? drag.copy.closest(".lane") : boardEl;
    const holder = under && under.closest(drag.inLanes ? ".lane-column" : "section.column[data-column]");
    if (!holder || !scope.contains(holder)) return;
    slot(drag.copy, holder.querySelector("ol.cards"), event.clientY);
  });
  function endPointer(event, drop) {
    if (!drag || drag.pointer !== event.pointerId) return;
    const {copy, inLanes} = drag;
    drag = null;
    copy.classList.remove("dragging", "touch-dragging");
    if (!drop) { if (!inLanes) api.place(copy); draw(); return; }
    if (inLanes) { laneMove(copy); return; }
    const list = copy.parentNode;
    const tiles = Array.from(list.querySelectorAll(":scope > li.tile"));
    api.moveCard(copy, list.closest("section.column").dataset.column, tiles[tiles.indexOf(copy) - 1] || null);
  }
  document.addEventListener("pointerup", (event) => endPointer(event, true));
  // A tap on the handle is not a click on the card (which would open it).
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest(".drag-handle")) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  document.addEventListener("pointercancel", (event) => endPointer(event, false));

  show();
})();
