"""Issue 16 in Chromium, two people side by side: inline edits, the label manager, an enforced WIP limit, Undo."""
import datetime

import pytest

from teams.board.cards import create_card
from teams.board.columns import update_column
from teams.board.models import Card, Column, Label
from tests.ws_client import poll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def board_columns(team):
    return list(Column.objects.filter(team=team, archived=False).order_by("rank"))


def new_card(people, team, column, title, **extra):
    return Card.objects.get(pk=create_card(people["lead"], team, column=column, title=title, **extra).data["card"])


def open_board(page, server, team, errors):
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/teams/{team.slug}/board/")
    page.wait_for_selector("html.is-live")


def open_card(page, card):
    page.click(f"#card-{card.pk} .tile-title")
    page.wait_for_selector(f"#card-dialog[open] [data-card-detail='{card.pk}']")


def test_inline_edits_reach_the_other_person_and_keep_every_other_field(closes_connections, login_page,
                                                                       daphne_server, people, team):
    """German: the due date is edited on its own; title, description, priority and labels stay."""
    backlog = board_columns(team)[0]
    card = new_card(people, team, backlog, "Fristsache", description="Bleibt so", priority="high",
                    labels=["recht"], due_date=datetime.date(2026, 12, 18))
    errors = []
    editor, watcher = login_page(people["expert"], language="de"), login_page(people["lead"])
    for page in (editor, watcher):
        open_board(page, daphne_server, team, errors)
    open_card(editor, card)
    assert editor.input_value("#card-dialog input[name=due_date]") == "2026-12-18"
    editor.fill("#card-dialog input[name=due_date]", "2027-03-05")
    editor.press("#card-dialog input[name=due_date]", "Enter")
    editor.wait_for_selector("#card-dialog [data-inline-field=due_date] [data-inline-status] >> text=Gespeichert")
    watcher.wait_for_function(f"() => document.querySelector('#card-{card.pk}').dataset.due === '2027-03-05'")
    assert poll(lambda: Card.objects.get(pk=card.pk).due_date == datetime.date(2027, 3, 5))
    card.refresh_from_db()
    assert (card.due_date, card.title, card.description, card.priority) == (
        datetime.date(2027, 3, 5), "Fristsache", "Bleibt so", "high")
    assert list(card.labels.values_list("name", flat=True)) == ["recht"]

    # The title: Enter saves; the other person's tile follows. Escape puts back what is saved.
    editor.fill("#card-dialog input[name=title]", "Frist verlängert")
    editor.press("#card-dialog input[name=title]", "Enter")
    watcher.wait_for_selector(f"#card-{card.pk} .tile-title >> text=Frist verlängert")
    editor.fill("#card-dialog input[name=title]", "Verworfen")
    editor.press("#card-dialog input[name=title]", "Escape")
    assert editor.input_value("#card-dialog input[name=title]") == "Frist verlängert"
    assert editor.is_visible("#card-dialog[open]")  # Escape took the edit back, not the dialog away

    # The description: Write, Preview (sanitised by the server), Ctrl+Enter saves, shown rendered.
    editor.click("#card-dialog [data-description-edit]")
    editor.fill("#card-dialog textarea[name=description]", "**Neu** <script>x()</script>")
    editor.click("#card-dialog [data-description-tab=preview]")
    editor.wait_for_selector("#card-dialog [data-description-preview] strong >> text=Neu")
    assert editor.locator("#card-dialog [data-description-preview] script").count() == 0
    editor.click("#card-dialog [data-description-tab=write]")
    editor.press("#card-dialog textarea[name=description]", "Control+Enter")
    editor.wait_for_selector("#card-dialog [data-description-view] strong >> text=Neu")
    assert poll(lambda: Card.objects.get(pk=card.pk).description.startswith("**Neu**"))

    # A conflict: the watcher changed the priority meanwhile; the editor's stale change is refused, theirs kept.
    open_card(watcher, card)
    editor.evaluate("""() => {  // as if the editor had not seen the watcher's change: card and fields at version 1
      document.querySelector('#card-dialog [data-card-detail]').dataset.version = '1';
      document.querySelectorAll('#card-dialog [data-inline-field]')
        .forEach((form) => { form.dataset.baseVersion = '1'; });
    }""")
    editor.select_option("#card-dialog select[name=priority]", "low")
    editor.wait_for_selector("#card-dialog [data-inline-field=priority] .error")
    assert editor.input_value("#card-dialog select[name=priority]") == "high"
    assert poll(lambda: Card.objects.get(pk=card.pk).version == 4) and Card.objects.get(pk=card.pk).priority == "high"
    assert errors == []


def test_a_label_rename_shows_everywhere_at_once(closes_connections, login_page, daphne_server, people, team):
    backlog = board_columns(team)[0]
    card = new_card(people, team, backlog, "Pilot", labels=["legal"])
    label = Label.objects.get(team=team, name="legal")
    errors = []
    lead, expert = login_page(people["lead"]), login_page(people["expert"])
    for page in (lead, expert):
        open_board(page, daphne_server, team, errors)
    assert expert.locator("[data-open-labels]").count() == 0  # experts use labels, leads manage them
    open_card(expert, card)
    lead.click("[data-open-labels]")
    row = f"#label-dialog [data-label-row='{label.pk}']"
    lead.fill(f"{row} input[name=name]", "Law")
    lead.select_option(f"{row} select[name=color]", "green")
    lead.click(f"{row} button:not([data-label-delete])")
    for where in (f"#card-{card.pk} .label", "#card-dialog .label[data-label]"):
        expert.wait_for_selector(f"{where} >> text=Law")
        assert expert.get_attribute(where, "data-label-color") == "green"
    assert expert.text_content(f"#board-filters select[name=label] option[value='{label.pk}']") == "Law"
    lead.fill("#label-dialog [data-label-new] input[name=name]", "Pilotphase")
    lead.click("#label-dialog [data-label-new] button")
    expert.wait_for_selector("#card-dialog [data-inline-field=labels] >> text=Pilotphase")
    assert poll(lambda: Label.objects.get(pk=label.pk).name == "Law")
    assert errors == []


def test_an_enforced_wip_limit_refuses_a_drop(closes_connections, login_page, daphne_server, people, team):
    backlog, todo, *_ = board_columns(team)
    waiting = new_card(people, team, backlog, "Waiting")
    new_card(people, team, todo, "In the way")
    update_column(people["lead"], todo, name=todo.name, wip_limit=1, enforce_wip=True)
    errors = []
    expert, lead = login_page(people["expert"]), login_page(people["lead"])
    for page in (expert, lead):
        open_board(page, daphne_server, team, errors)
    expert.drag_and_drop(f"#card-{waiting.pk}", f"#column-{todo.pk} ol.cards")
    expert.wait_for_selector("#error-banner:not([hidden]) >> text=is full")
    expert.wait_for_selector(f"#column-{backlog.pk} #card-{waiting.pk}")  # back where the server has it
    assert Card.objects.get(pk=waiting.pk).column_id == backlog.pk  # refused: nothing was written
    assert lead.locator(f"#column-{backlog.pk} #card-{waiting.pk}").count() == 1
    assert errors == []


def test_archive_and_move_are_undone_for_both(closes_connections, login_page, daphne_server, people, team):
    backlog, todo, *_ = board_columns(team)
    above, card = new_card(people, team, backlog, "Above"), new_card(people, team, backlog, "Undo me")
    errors = []
    expert, lead = login_page(people["expert"]), login_page(people["lead"])
    for page in (expert, lead):
        open_board(page, daphne_server, team, errors)
    open_card(expert, card)
    expert.click("#card-dialog [data-archive-card]")
    expert.click("#confirm-dialog button[value=confirm]")
    lead.wait_for_selector(f"#card-{card.pk}", state="detached")
    expert.wait_for_selector("#undo-toast:not([hidden]) >> text=Card archived")
    assert expert.get_attribute("#undo-toast", "role") == "status"
    expert.focus("#undo-toast [data-toast-undo]")  # reachable without a mouse
    expert.keyboard.press("Enter")
    for page in (expert, lead):
        page.wait_for_selector(f"#column-{backlog.pk} #card-{card.pk}")
    assert poll(lambda: not Card.objects.get(pk=card.pk).archived)

    # A keyboard move, then Undo: back to its column below the card it was below.
    expert.focus(f"#card-{card.pk}")
    expert.keyboard.press("Alt+ArrowRight")
    lead.wait_for_selector(f"#column-{todo.pk} #card-{card.pk}")
    expert.wait_for_selector("#undo-toast:not([hidden]) >> text=Card moved")
    expert.click("#undo-toast [data-toast-undo]")
    lead.wait_for_selector(f"#column-{backlog.pk} #card-{card.pk}")
    order = f"[...document.querySelectorAll('#column-{backlog.pk} li.tile')].map(t => t.dataset.card).join()"
    expert.wait_for_function(f"() => {order} === '{above.pk},{card.pk}'")
    assert lead.evaluate(order) == f"{above.pk},{card.pk}"

    # Escape dismisses the toast.
    expert.focus(f"#card-{card.pk}")
    expert.keyboard.press("Alt+ArrowRight")
    expert.wait_for_selector("#undo-toast:not([hidden])")
    expert.keyboard.press("Escape")
    expert.wait_for_selector("#undo-toast", state="hidden")
    assert errors == []


def test_a_list_edit_never_wipes_another_persons_change_shown_late(closes_connections, login_page, daphne_server,
                                                                     people, team):
    """Found by the independent tester: while the focus is in a text field the open card is not drawn again, yet
    its version moved on; ticking a label then sent the stale list with the new version and wiped the other
    person's label. Now that field's save is refused as stale, the card drawn again, their label kept."""
    backlog = board_columns(team)[0]
    new_card(people, team, backlog, "Labels", labels=["recht", "geld"])
    card = new_card(people, team, backlog, "Gemeinsam")
    recht, geld = (Label.objects.get(team=team, name=name) for name in ("recht", "geld"))
    errors = []
    editor, watcher = login_page(people["expert"], language="de"), login_page(people["lead"])
    for page in (editor, watcher):
        open_board(page, daphne_server, team, errors)
        open_card(page, card)
    editor.click("#card-dialog input[name=title]")  # the editor is typing: their card is not drawn again
    watcher.check(f"#card-dialog [data-inline-field=labels] input[value='{recht.pk}']")
    assert poll(lambda: list(Card.objects.get(pk=card.pk).labels.all()) == [recht])
    version = Card.objects.get(pk=card.pk).version
    editor.wait_for_function(f"() => document.querySelector('#card-dialog [data-card-detail]').dataset.version"
                             f" === '{version}'")  # the event arrived; the label boxes still show none
    editor.check(f"#card-dialog [data-inline-field=labels] input[value='{geld.pk}']")
    editor.wait_for_selector("#card-dialog [data-inline-field=labels] .error")
    assert list(Card.objects.get(pk=card.pk).labels.all()) == [recht]
    assert editor.is_checked(f"#card-dialog [data-inline-field=labels] input[value='{recht.pk}']")  # drawn again
    # The title, which nobody else changed, saves at once.
    editor.fill("#card-dialog input[name=title]", "Gemeinsam geplant")
    editor.press("#card-dialog input[name=title]", "Enter")
    assert poll(lambda: Card.objects.get(pk=card.pk).title == "Gemeinsam geplant")
    assert list(Card.objects.get(pk=card.pk).labels.all()) == [recht]
    assert errors == []
