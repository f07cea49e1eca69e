"""Thin views of the board: read through selectors, write through services.

The board page itself is page.py. The card dialog is a server-rendered
partial (htmx); its forms post here and get the fresh dialog back. The same card URL
opened by a link (a new tab, a chat's #5, a notification) is a full page around it.
"""
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from teams import fragments
from teams.activity import describe_card_event
from teams.forms import add_service_errors
from teams.markup import render_markdown
from teams.permissions import Action, can, can_change_board, team_abilities
from teams.uploads import protected_file_response
from teams.views import viewable_team_or_404

from . import attachments, checklists, columns, comments, selectors
from .forms import AttachmentForm, ChecklistItemForm, ColumnForm, CommentForm
from .models import Attachment, Card, ChecklistItem, Column, Label


def board_write(view):
    """A signed-in user's POST that changes the board. A service re-reads what it changes under the team's
    lock: a card or column archived (or an item removed) since the view looked it up raises DoesNotExist
    there, which is a 404, not a 500."""
    @functools.wraps(view)
    def gone_is_404(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404
    return login_required(require_POST(gone_is_404))


def _dialog_context(team, card_id, *, comment_form, checklist_form, attachment_form, can_contribute, standalone):
    try:
        card = selectors.card_detail(team, card_id)
    except Card.DoesNotExist:
        raise Http404
    all_columns = list(Column.objects.filter(team=team).order_by("rank", "id"))
    column_names = {column.pk: column.name for column in all_columns}
    history = selectors.card_history(team, card.pk)
    for event in history:
        event.description = describe_card_event(event, column_names)
    context = {"team": team, "card": card, "can_contribute": can_contribute, "history": history,
               "columns": [column for column in all_columns if not column.archived], "standalone": standalone}
    if can_contribute:
        # The inline editors (one field each, sent as card.update frames: docs/board.md) offer these.
        active = list(team.memberships.filter(state="active").select_related("user")
                      .order_by("user__last_name", "user__first_name"))  # one read: both lists
        context.update(
            members=[m.user for m in active if m.role != "observer"],
            goals=selectors.team_goals(team), team_labels=list(Label.objects.filter(team=team).order_by("name")),
            priorities=Card.Priority.choices, card_assignees={user.pk for user in card.assignees.all()},
            card_labels={label.pk for label in card.labels.all()}, card_goals={goal.pk for goal in card.goals.all()},
            comment_form=comment_form or CommentForm(), mention_people=comments.mention_people(active),
            checklist_form=checklist_form or ChecklistItemForm(),
            attachment_form=attachment_form or AttachmentForm(),
            max_mb=attachments.MAX_ATTACHMENT_BYTES // (1024 * 1024),
            types=", ".join(sorted(attachments.ATTACHMENT_TYPES)))
    return context


def _card_dialog(request, team, card_id, *, comment_form=None, checklist_form=None, attachment_form=None,
                 status=200, page=False, cached=False):
    """The card's dialog (or, with `page`, its page). `cached` (a GET's fresh dialog, no form with input or errors):
    from the fragment cache, per team version. Besides the team's data (the card, its history, the members to
    assign and mention, the labels and goals: all changed through the event log, names through the outside
    version) the inline editors show only what the viewer may do (can_contribute) and where (standalone); the
    dialog has no CSRF token or viewer of its own (htmx sends the page's token), so it is rendered without the
    request."""
    seq = team.last_seq  # read before the card: the page's live client resumes after it
    can_contribute = can(request.user, Action.CONTRIBUTE, team)
    # On the card's own page (and in what its requests get back: they say X-Card-Page) moving
    # and archiving are left to the board, which knows the columns' order.
    standalone = page or request.headers.get("X-Card-Page") == "1"
    forms = {"comment_form": comment_form, "checklist_form": checklist_form, "attachment_form": attachment_form}

    def render_dialog():
        context = _dialog_context(team, card_id, **forms, can_contribute=can_contribute, standalone=standalone)
        return context["card"].title, render_to_string("board/_card_dialog.html", context)
    if cached:
        title, html = fragments.cached("card", team, (card_id, can_contribute, standalone), render_dialog)
    else:
        title, html = render_dialog()
    if not page:
        return HttpResponse(html, status=status)
    return render(request, "board/card_page.html", {
        "team": team, "card_title": title, "dialog_html": mark_safe(html),  # noqa: S308 (a rendered template)
        "section": "board", "can": team_abilities(request.user, team),
        "config": {"slug": team.slug, "seq": seq, "card": card_id, "me": request.user.pk}}, status=status)


@login_required
@require_safe
def card(request, slug, card_id):
    team = viewable_team_or_404(request.user, slug)
    response = _card_dialog(request, team, card_id, page=not request.htmx, cached=True)
    patch_vary_headers(response, ["HX-Request", "X-Card-Page"])  # one URL, three renderings: caches keep them apart
    return response


def _post(request, slug, card_id, form_class, call, form_name, **form_kwargs):
    """Validate a form, call the service; errors go back into the dialog's form."""
    team = viewable_team_or_404(request.user, slug)
    card = get_object_or_404(Card.objects.select_related("team"), pk=card_id, team=team, archived=False)
    form = form_class(request.POST, request.FILES, **form_kwargs)
    if form.is_valid():
        try:
            call(team, card, form.cleaned_data)
            return _card_dialog(request, team, card_id)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _card_dialog(request, team, card_id, **{form_name: form})


def _remove_from_card(request, slug, card_id, model, pk, remove):
    """Remove one of a live card's items or attachments and answer with the fresh dialog."""
    team = viewable_team_or_404(request.user, slug)
    part = get_object_or_404(model.objects.select_related("card__team"), pk=pk, card_id=card_id,
                             card__team=team, card__archived=False)
    remove(request.user, part)
    return _card_dialog(request, team, card_id)


@login_required
@require_POST
def preview(request, slug):
    """The description editor's Preview: the Markdown as the card will show it (sanitised), nothing saved."""
    team = viewable_team_or_404(request.user, slug)
    if not can_change_board(request.user, Action.CONTRIBUTE, team):
        raise Http404
    text = request.POST.get("text", "")[:20000]
    return HttpResponse(render_markdown(text) if text.strip() else "", content_type="text/html; charset=utf-8")


@board_write
def card_comment(request, slug, card_id):
    return _post(request, slug, card_id, CommentForm,
                 lambda team, card, data: comments.add_comment(request.user, card, body=data["body"]),
                 "comment_form")


@board_write
def checklist_add(request, slug, card_id):
    return _post(request, slug, card_id, ChecklistItemForm,
                 lambda team, card, data: checklists.add_checklist_item(request.user, card, text=data["text"]),
                 "checklist_form")


@board_write
def checklist_remove(request, slug, card_id, item_id):
    return _remove_from_card(request, slug, card_id, ChecklistItem, item_id, checklists.remove_checklist_item)


@board_write
def attachment_add(request, slug, card_id):
    return _post(request, slug, card_id, AttachmentForm,
                 lambda team, card, data: attachments.add_attachment(request.user, card, upload=data["file"]),
                 "attachment_form")


@board_write
def attachment_remove(request, slug, card_id, attachment_id):
    return _remove_from_card(request, slug, card_id, Attachment, attachment_id, attachments.remove_attachment)


@login_required
@require_safe
def attachment_download(request, slug, card_id, attachment_id):
    """Files are served only to the team's viewers (never from a public /media/ URL)."""
    team = viewable_team_or_404(request.user, slug)
    attachment = get_object_or_404(Attachment, pk=attachment_id, card_id=card_id, card__team=team,
                                   card__archived=False)
    return protected_file_response(attachment.file, filename=attachment.name, content_type=attachment.content_type)


@board_write
def column_settings(request, slug, column_id):
    """Rename / WIP limit / done flag from the column menu (no-JS fallback for column.update)."""
    team = viewable_team_or_404(request.user, slug)
    column = get_object_or_404(Column.objects.select_related("team"), pk=column_id, team=team, archived=False)
    form = ColumnForm(request.POST)
    if form.is_valid():
        try:
            columns.update_column(request.user, column, name=form.cleaned_data["name"],
                                  wip_limit=form.cleaned_data["wip_limit"], is_done=form.cleaned_data["is_done"],
                                  enforce_wip=form.cleaned_data["enforce_wip"])
            messages.success(request, _("Column saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("board:board", slug=team.slug)
