/* Inline editing of a card (the dialog on the board, the card's own page): templates/board/_card_dialog.html.
 *
 * Each field is its own <form data-inline-field="name"> and its own command: a card.update frame with the card's
 * version and that one field, never the others (a form that resent every field once erased German due dates).
 * Enter or leaving the field saves, Escape puts back the saved value; a select or checkbox saves on change. Sends
 * go one at a time, each with the version its field's shown value belongs to (the ack says it was written:
 * version + 1), so quick edits of two fields never refuse each other. A refusal because someone else changed the card ("stale")
 * redraws the card with their values and says so at the field. Texts come translated from the article's data-text-*.
 */
(function () {
  "use strict";

  /* body: the element the card's content is swapped into; redraw(): a Promise of it drawn again from the server. */
  function attach(body, live, redraw) {
    let queue = Promise.resolve();
    let cancelling = false;  // an Escape that took an edit back
    const article = () => body.querySelector("[data-inline-edit]");

    function valueOf(form) {
      const name = form.dataset.inlineField;
      if (["assignees", "labels", "goals"].includes(name)) {
        return Array.from(form.querySelectorAll(`input[name=${name}]:checked`)).map((box) => Number(box.value));
      }
      const control = form.elements[name];
      if (name === "due_date") return control.value || null;
      return control.value;
    }

    /* What the server rendered (the controls' default state), until a save here changes it. */
    function savedOf(form) {
      if (!("saved" in form.dataset)) {
        const name = form.dataset.inlineField;
        let value;
        if (["assignees", "labels", "goals"].includes(name)) {
          value = Array.from(form.querySelectorAll(`input[name=${name}]`)).filter((box) => box.defaultChecked)
            .map((box) => Number(box.value));
        } else if (name === "priority") {
          const option = Array.from(form.elements.priority.options).find((item) => item.defaultSelected);
          value = option ? option.value : form.elements.priority.value;
        } else {
          value = form.elements[name].defaultValue;
          if (name === "due_date") value = value || null;
        }
        form.dataset.saved = JSON.stringify(value);
      }
      return form.dataset.saved;
    }

    function say(form, key, isError) {
      const status = form.querySelector("[data-inline-status]");
      const text = article() ? article().dataset[key] : key;
      status.textContent = text || key;
      status.classList.toggle("error", !!isError);
    }

    function restore(form) {
      const saved = JSON.parse(savedOf(form));
      const name = form.dataset.inlineField;
      if (Array.isArray(saved)) {
        form.querySelectorAll(`input[name=${name}]`).forEach((box) => { box.checked = saved.includes(Number(box.value)); });
      } else {
        form.elements[name].value = saved === null ? "" : saved;
      }
      if (name === "description") showEditor(form, false);
      say(form, "");
    }

    function save(form) {
      savedOf(form);
      queue = queue.then(() => {
        if (!form.isConnected) return null;
        const value = valueOf(form);
        if (JSON.stringify(value) === form.dataset.saved) return null;
        const card = article();
        const name = form.dataset.inlineField;
        say(form, "textSaving");
        const version = Number(form.dataset.baseVersion || card.dataset.version);
        return live.send("card.update", {card: Number(card.dataset.cardDetail), version: version, [name]: value})
          .then((ack) => {
            if (ack.seq !== null) {
              card.dataset.version = Math.max(Number(card.dataset.version), version + 1);
              form.dataset.baseVersion = Math.max(Number(form.dataset.baseVersion || 0), version + 1);
            }
            form.dataset.saved = JSON.stringify(value);
            say(form, ack.seq === null ? "textUnchanged" : "textSaved");
            const heading = body.querySelector("#card-dialog-title");
            if (name === "title" && heading) heading.textContent = value.trim();
            // Only this field is drawn again (never the whole card: the person may be typing in the next one).
            if (name === "due_date") form.querySelector(".due-text").textContent = longDate(value);
            if (name === "description") {
              showEditor(form, false);
              form.querySelector("[data-description-edit]").focus();
              return rendered(form, form.querySelector("[data-description-view]"));
            }
            return null;
          })
          .catch((error) => {
            if (error && error.code === "stale") {
              return redraw().then(() => {
                const fresh = focusField(name);
                if (fresh) say(fresh, "textConflict", true);
              });
            }
            say(form, error && error.message ? error.message : String(error), true);
            return null;
          });
      });
      return queue;
    }

    /* After the card was drawn again: focus the field's control (a description's Edit button). */
    function focusField(name) {
      const form = body.querySelector(`[data-inline-field="${name}"]`);
      const control = form && (form.querySelector("[data-description-edit]") || form.querySelector("input, select"));
      if (control) control.focus();
      return form;
    }

    // Descriptions: the rendered text, and on Edit a Write / Preview pair.
    function showEditor(form, open) {
      form.querySelector("[data-description-editor]").hidden = !open;
      form.querySelector("[data-description-view]").hidden = open;
      form.querySelector("[data-description-edit]").hidden = open;
      if (open) { showTab(form, "write"); form.elements.description.focus(); }
    }

    function showTab(form, tab) {
      const preview = form.querySelector("[data-description-preview]");
      form.querySelectorAll("[data-description-tab]").forEach((button) =>
        button.setAttribute("aria-pressed", String(button.dataset.descriptionTab === tab)));
      form.elements.description.hidden = tab !== "write";
      preview.hidden = tab !== "preview";
      if (tab !== "preview") return;
      rendered(form, preview);
    }

    /* The description's Markdown as the server renders it (sanitised: teams.markup), into `target`. htmx sends
       the page's CSRF header. */
    function rendered(form, target) {
      return window.htmx.ajax("POST", form.dataset.previewUrl, {source: target, target: target, swap: "innerHTML",
                                                               values: {text: form.elements.description.value}});
    }

    body.addEventListener("submit", (event) => {
      const form = event.target.closest("[data-inline-field]");
      if (!form) return;
      event.preventDefault();
      save(form);
    });
    body.addEventListener("change", (event) => {
      const form = event.target.closest("[data-inline-field]");
      if (form && event.target.matches("select, input[type=checkbox]")) save(form);
    });
    body.addEventListener("focusout", (event) => {
      const form = event.target.closest("[data-inline-field]");
      if (!form || form.contains(event.relatedTarget)) return;
      if (form.dataset.inlineField === "description" && form.querySelector("[data-description-editor]").hidden) return;
      if (event.target.matches("input[type=text], input[type=date], textarea")) save(form);
    });
    body.addEventListener("keydown", (event) => {
      const form = event.target.closest("[data-inline-field]");
      if (!form) return;
      const editing = form.dataset.inlineField === "description" && !form.querySelector("[data-description-editor]").hidden;
      if (event.key === "Escape" && (editing || JSON.stringify(valueOf(form)) !== savedOf(form))) {
        event.preventDefault();  // cancels the edit, not the dialog (see "cancel" below)
        cancelling = true;
        restore(form);
        setTimeout(() => { cancelling = false; });
      } else if (event.key === "Enter" && (event.target.matches("input[type=text], input[type=date]") ||
                                           ((event.ctrlKey || event.metaKey) && event.target.matches("textarea")))) {
        event.preventDefault();
        save(form);
      }
    });
    body.addEventListener("click", (event) => {
      const form = event.target.closest("[data-inline-field=description]");
      if (!form) return;
      if (event.target.closest("[data-description-edit]")) showEditor(form, true);
      else if (event.target.closest("[data-description-cancel]")) { restore(form); form.querySelector("[data-description-edit]").focus(); }
      else if (event.target.closest("[data-description-tab]")) showTab(form, event.target.closest("[data-description-tab]").dataset.descriptionTab);
    });
    // A dialog's Escape closes it: not while a field takes it back.
    const dialog = body.closest("dialog");
    if (dialog) dialog.addEventListener("cancel", (event) => { if (cancelling) event.preventDefault(); });

    /* The date as the page's language writes it out ("6. Mai 2027"), beside the date field. */
    function longDate(value) {
      if (!value) return "";
      const [year, month, day] = value.split("-").map(Number);
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {dateStyle: "long"})
        .format(new Date(year, month - 1, day));
    }

    // Each field's form keeps the version its shown value belongs to (baseVersion). Another person's change
    // moves it on for the fields it did not touch (card.updated names its `changes`); a field it did touch
    // keeps its old version until the card is drawn again, so saving what is shown there is refused as stale
    // instead of silently replacing their change (a label list once wiped another person's label this way).
    live.on("*", (data) => {
      const card = article();
      if (!(card && data && Number(data.card) === Number(card.dataset.cardDetail) && data.version)) return;
      const changed = Array.isArray(data.changes) ? data.changes : [];
      body.querySelectorAll("[data-inline-field]").forEach((form) => {
        if (!form.dataset.baseVersion) form.dataset.baseVersion = card.dataset.version;
        if (!changed.includes(form.dataset.inlineField)) {
          form.dataset.baseVersion = Math.max(Number(form.dataset.baseVersion), data.version);
        }
      });
      card.dataset.version = Math.max(Number(card.dataset.version), data.version);
    });
  }

  window.CardInline = {attach: attach};
})();
