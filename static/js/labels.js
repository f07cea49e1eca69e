/* The team's labels, live (docs/board.md: label.created / label.updated / label.deleted).
 *
 * One event renames or recolours a label everywhere on the page: every chip ([data-label=id]: tiles, the card
 * dialog or page, the label manager), the board's label filter, the card's label choices. The label manager
 * (board.html #label-dialog, for those who may edit the board) sends label.create / label.update / label.delete.
 */
(function () {
  "use strict";

  function chips(id) { return document.querySelectorAll(`.label[data-label="${id}"]`); }

  function filterSelect() { return document.querySelector("#board-filters select[name=label]"); }

  function sortedInsert(list, node, nameOf) {
    const before = Array.from(list.children).find((other) =>
      other !== node && nameOf(other) && nameOf(other).localeCompare(nameOf(node)) > 0) || null;
    list.insertBefore(node, before);
  }

  function created(data) {
    const select = filterSelect();
    if (select && !select.querySelector(`option[value="${data.label}"]`)) {
      const option = new Option(data.name, data.label);
      select.appendChild(option);
    }
    const choices = document.querySelector("[data-inline-field=labels] fieldset");
    if (choices && !choices.querySelector(`input[value="${data.label}"]`)) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      Object.assign(box, {type: "checkbox", name: "labels", value: data.label});
      box.dataset.needsLive = "";
      const chip = dom.el("span", "label", data.name);
      chip.dataset.label = data.label;
      dom.paintLabel(chip, data.color);
      label.append(box, " ", chip);
      choices.appendChild(label);
    }
    const rows = document.getElementById("label-rows");
    const template = document.getElementById("label-row-template");
    if (rows && template && !rows.querySelector(`[data-label-row="${data.label}"]`)) {
      const row = template.content.firstElementChild.cloneNode(true);
      row.dataset.labelRow = data.label;
      row.querySelector(".label").dataset.label = data.label;
      rows.appendChild(row);
      fillRow(row, data);
    }
  }

  function fillRow(row, data) {
    const form = row.querySelector("form");
    if (form.contains(document.activeElement)) return;  // not under the person's fingers
    form.elements.name.value = data.name;
    form.elements.color.value = data.color;
  }

  function updated(data) {
    chips(data.label).forEach((chip) => { chip.textContent = data.name; dom.paintLabel(chip, data.color); });
    const option = filterSelect() && filterSelect().querySelector(`option[value="${data.label}"]`);
    if (option) option.textContent = data.name;
    const row = document.querySelector(`[data-label-row="${data.label}"]`);
    if (row) {
      fillRow(row, data);
      sortedInsert(row.parentNode, row, (node) => node.querySelector(".label").textContent);
    }
  }

  function deleted(data) {
    chips(data.label).forEach((chip) => {
      const choice = chip.closest("[data-inline-field=labels] label");
      (choice || chip).remove();
    });
    document.querySelectorAll("li.tile[data-labels]").forEach((tile) => {
      tile.dataset.labels = tile.dataset.labels.split(",").filter((id) => id && id !== String(data.label)).join(",");
    });
    const option = filterSelect() && filterSelect().querySelector(`option[value="${data.label}"]`);
    if (option && !option.selected) option.remove();
    const row = document.querySelector(`[data-label-row="${data.label}"]`);
    if (row) row.remove();
  }

  function manage(live, text) {
    const dialog = document.getElementById("label-dialog");
    if (!dialog) return;
    const fail = (error) => dom.showError(error && error.message ? error.message : String(error));
    document.querySelector("[data-open-labels]").addEventListener("click", () => dialog.showModal());
    dialog.addEventListener("click", (event) => {
      if (event.target.closest("[data-close-dialog]")) { dialog.close(); return; }
      const remove = event.target.closest("[data-label-delete]");
      if (!remove) return;
      const row = remove.closest("[data-label-row]");
      window.confirmDialog(text.confirmDeleteLabel.replace("%(name)s", row.querySelector(".label").textContent))
        .then((yes) => { if (yes) live.send("label.delete", {label: Number(row.dataset.labelRow)}).catch(fail); });
    });
    dialog.addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      const values = {name: form.elements.name.value, color: form.elements.color.value};
      if (form.matches("[data-label-new]")) {
        live.send("label.create", values).then(() => { form.elements.name.value = ""; }).catch(fail);
      } else {
        const status = form.querySelector("[data-inline-status]");
        live.send("label.update", {label: Number(form.closest("[data-label-row]").dataset.labelRow), ...values})
          .then(() => { status.textContent = text.saved; }).catch(fail);
      }
    });
    // The colour chosen shows on the row's chip before saving.
    dialog.addEventListener("change", (event) => {
      const row = event.target.closest("[data-label-row]");
      if (row && event.target.name === "color") dom.paintLabel(row.querySelector(".label"), event.target.value);
    });
  }

  function attach(live, text) {
    live.on("label.created", created);
    live.on("label.updated", updated);
    live.on("label.deleted", deleted);
    if (text) manage(live, text);
  }

  window.BoardLabels = {attach: attach};
})();
