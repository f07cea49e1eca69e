"""Thin views of direct messages: the list, a conversation, its history, and the writes without JavaScript (the
page's script sends them over /ws/dm/<id>/). Anyone but a participant gets 404, as for a conversation that does
not exist (teams/direct/access.py)."""
from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from teams.discussion.reactions import REACTIONS
from teams.forms import query_ids
from teams.people.selectors import people as active_people

from . import messages, reactions, selectors
from .access import conversation_for
from .conversations import start_conversation
from .forms import BodyForm, ReactForm, StartForm
from .models import Conversation

PEOPLE_LIMIT = 20


def _mine(request, conversation_id):
    try:
        return conversation_for(request.user, conversation_id)
    except Conversation.DoesNotExist:
        raise Http404


@login_required
@require_safe
def inbox(request):
    return render(request, "direct/inbox.html", {"conversations": selectors.conversations(request.user),
                                                 "form": StartForm()})


@login_required
@require_safe
def people(request):
    """The person picker's matches (htmx): active people by name or login, the viewer left out."""
    query = request.GET.get("q", "").strip()[:100]
    found = []
    if query:
        found = list(active_people().exclude(pk=request.user.pk).filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(username__icontains=query))
            .select_related("profile__organisation")[:PEOPLE_LIMIT])
    return render(request, "direct/_people.html", {"found": found, "query": query})


@login_required
@require_POST
def start(request):
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            conversation = start_conversation(request.user, form.cleaned_data["people"],
                                              name=form.cleaned_data["name"])
            return redirect("direct:conversation", conversation_id=conversation.pk)
        except ValidationError as exc:
            flash.error(request, " ".join(exc.messages))
    else:
        flash.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("direct:inbox")


@login_required
@require_safe
def conversation(request, conversation_id):
    current = _mine(request, conversation_id)
    seq = current.last_seq  # read first: the page shows state at seq, the socket resumes after it
    page = selectors.page(request.user, current)
    names = {p.user_id: messages.display_name(p.user) for p in page["participants"]}
    return render(request, "direct/conversation.html", {
        **page, "conversation": current, "reactions": REACTIONS, "form": BodyForm(),
        "title": current.name or ", ".join(name for pk, name in names.items() if pk != request.user.pk),
        "config": {
            "conversation": current.pk, "seq": seq, "me": request.user.pk,
            "names": {str(pk): name for pk, name in names.items()},
            "markers": {str(p.user_id): p.last_read_id for p in page["participants"]},
            "reactions": REACTIONS,
            "historyUrl": reverse("direct:history", args=[current.pk]),
            "strings": {"edited": _("edited"), "deleted": _("Message deleted"), "edit": _("Edit"),
                        "delete": _("Delete"), "save": _("Save"), "cancel": _("Cancel"),
                        "confirmDelete": _("Delete this message?"), "seenBy": _("Seen by %(names)s"),
                        "react": _("React"), "loadFailed": _("Could not load older messages.")},
        }})


@login_required
@require_safe
def history(request, conversation_id):
    """Older messages (?before=<id>): JSON with the rendered HTML."""
    current = _mine(request, conversation_id)
    try:
        (before,) = query_ids(request.GET, "before")
    except ValueError:
        return JsonResponse({"error": _("before is a message id.")}, status=400)
    page = selectors.page(request.user, current, before=before)
    html = render_to_string("direct/_messages.html", {**page, "reactions": REACTIONS}, request=request)
    return JsonResponse({"html": html, "more": page["more"],
                         "before": page["dm_messages"][0].pk if page["dm_messages"] else None})


def _write(request, conversation_id, form, call):
    """Run a write with a posted form; what the form or the service refuses is flashed. 404 for strangers."""
    current = _mine(request, conversation_id)
    if not form.is_valid():
        flash.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    else:
        try:
            call(current.pk, form.cleaned_data)
        except ValidationError as exc:
            flash.error(request, " ".join(exc.messages))
        except ObjectDoesNotExist:
            raise Http404
    return redirect("direct:conversation", conversation_id=current.pk)


@login_required
@require_POST
def post(request, conversation_id):
    return _write(request, conversation_id, BodyForm(request.POST),
                  lambda pk, data: messages.post_message(request.user, pk, body=data["body"]))


@login_required
@require_POST
def edit(request, conversation_id, message_id):
    return _write(request, conversation_id, BodyForm(request.POST),
                  lambda pk, data: messages.edit_message(request.user, pk, message=message_id, body=data["body"]))


@login_required
@require_POST
def delete(request, conversation_id, message_id):
    return _write(request, conversation_id, forms.Form(request.POST),
                  lambda pk, data: messages.delete_message(request.user, pk, message=message_id))


@login_required
@require_POST
def react(request, conversation_id, message_id):
    def call(pk, data):
        change = reactions.remove_reaction if data["remove"] else reactions.add_reaction
        change(request.user, pk, message=message_id, emoji=data["emoji"])
    return _write(request, conversation_id, ReactForm(request.POST), call)


@login_required
@require_POST
def read(request, conversation_id, message_id):
    return _write(request, conversation_id, forms.Form(request.POST),
                  lambda pk, data: reactions.mark_read(request.user, pk, message=message_id))
