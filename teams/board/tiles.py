"""The board's card tiles as HTML, in Python: one string per column instead of a template include per card.

A board of 500 cards spent most of its time in the template engine (variable lookups, an include, filters
and translations per tile: docs/benchmarks.md); this writes the same markup that board.js's renderTile()
builds for live changes, with every text escaped, in a tenth of the time. The translated words come once
per page from the board's config (its "text")."""
from collections.abc import Iterable
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from .models import Card


def _optional(count: int, css: str, title: str, sign: str) -> str:
    return f'<span class="{css}" title="{title}">{sign} {count}</span>' if count else ""


def tiles_html(tiles: Iterable, *, card_base: str, can_contribute: bool, text: dict) -> SafeString:
    """`tiles`: cards as board() decorates them (label_list, goal_list, people, ids, due_iso, counts)."""
    words = {key: escape(str(text[key])) for key in ("due", "overdue", "checklist", "comments", "attachments")}
    priorities = {value: escape(str(label)) for value, label in Card.Priority.choices}
    draggable = ' draggable="true"' if can_contribute else ""
    grip = '<span class="drag-handle" aria-hidden="true">⠿</span>' if can_contribute else ""  # touch drag
    card_base = escape(card_base)
    parts = []
    for card in tiles:
        overdue = card.overdue
        labels = "".join(f'<span class="label" data-label="{label.pk}" data-label-color="{escape(label.color)}">'
                         f"{escape(label.name)}</span>" for label in card.label_list)
        goals = "".join(f'<span class="goal">{escape(goal.code)}</span>' for goal in card.goal_list)
        priority = card.priority
        prio = "" if priority == "normal" else f'<span class="prio">{priorities.get(priority, escape(priority))}</span>'
        due = (f'<span class="due"><span class="sr">{words["overdue"] if overdue else words["due"]}</span> '
               f'{escape(date_format(card.due_date, "DATE_FORMAT"))}</span>') if card.due_iso else ""
        check = (f'<span class="check" title="{words["checklist"]}">☑ {card.checklist_done}/{card.checklist_total}'
                 "</span>") if card.checklist_total else ""
        people = "".join(f'<span class="avatar small" title="{escape(name)}">{escape(initials)}</span>'
                         for name, initials in card.people)
        pk = card.pk
        parts.append(
            f'<li class="tile prio-{escape(priority)}{" overdue" if overdue else ""}" id="card-{pk}" data-card="{pk}"\n'
            f'  data-version="{card.version}" data-rank="{escape(card.rank)}" data-column="{card.column_id}" '
            f'data-assignees="{card.assignee_ids}"\n'
            f'  data-labels="{card.label_ids}" data-goals="{card.goal_ids}" data-due="{card.due_iso}" tabindex="0"'
            f'{draggable}>\n'
            f"  {grip}"
            f'  <a class="tile-title" href="{card_base}{pk}/" data-open-card draggable="false">'
            f"{escape(card.title)}</a>\n"
            '  <div class="tile-meta">\n'
            f"    {labels}\n"
            f"    {goals}\n"
            f"    {prio}\n"
            f"    {due}\n"
            f"    {check}\n"
            f'    {_optional(card.comment_count, "comments", words["comments"], "✉")}\n'
            f'    {_optional(card.attachment_count, "files", words["attachments"], "▤")}\n'
            f'    <span class="people">{people}</span>\n'
            "  </div>\n"
            "</li>\n")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped or a number)
