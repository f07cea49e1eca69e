"""Notifications lead to the exact message or card, opening one marks it read, and their times read
"just now" / "5 minutes ago" in the person's language (never "0 minutes")."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from teams.board.cards import create_card
from teams.board.comments import add_comment
from teams.board.models import Card, Column
from teams.discussion.posting import post_message
from teams.notify.models import Kind, Notification
from teams.review import deadlines as review_deadlines
from teams.templatetags.workspace import ago
from tests.discussion_helpers import general

pytestmark = pytest.mark.django_db


def new_card(team, actor, **fields):
    column = Column.objects.filter(team=team).order_by("rank").first()
    created = create_card(actor, team, column=column, title="Ethics vote", **fields)
    return Card.objects.get(pk=created.data["card"])


def only(user, kind):
    return Notification.objects.get(recipient=user, kind=kind)


def test_a_mention_leads_to_the_message_and_a_reply_to_its_thread(people, team):
    channel = general(team)
    root = post_message(people["lead"], team, channel=channel, body="@expert please look")
    channel_url = reverse("discussion:channel", args=[team.slug, channel.pk])
    assert only(people["expert"], Kind.MENTION).url == f"{channel_url}?message={root.pk}"
    reply = post_message(people["lead"], team, channel=channel, body="and @observer too", thread=root.pk)
    assert only(people["observer"], Kind.MENTION).url == f"{channel_url}?message={reply.pk}"


def test_a_task_or_a_comment_mention_leads_to_the_card(people, team):
    card = new_card(team, people["lead"], assignees=[people["expert"]])
    card_url = reverse("board:card", args=[team.slug, card.pk])
    assert only(people["expert"], Kind.TASK_ASSIGNED).url == card_url
    add_comment(people["lead"], Card.objects.get(pk=card.pk), body="What do you think, @observer?")
    assert only(people["observer"], Kind.MENTION).url == card_url
    Card.objects.filter(pk=card.pk).update(due_date=timezone.localdate() + datetime.timedelta(days=1))
    review_deadlines.remind_due_tasks()
    assert only(people["expert"], Kind.TASK_DUE).url == card_url


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, people, team):
    post_message(people["lead"], team, channel=general(team), body="@expert please look")
    notification = only(people["expert"], Kind.MENTION)
    client.force_login(people["expert"])
    page = client.get(reverse("notify:list")).content.decode()
    assert f'href="{reverse("notify:open", args=[notification.pk])}"' in page
    response = client.get(reverse("notify:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None
    client.force_login(people["observer"])  # someone else's notification is not found, and stays as it is
    assert client.get(reverse("notify:open", args=[notification.pk])).status_code == 404


@pytest.mark.parametrize("language,seconds,text", [
    ("en", 0, "just now"), ("de", 0, "gerade eben"), ("en", 5 * 60, "5 minutes ago"), ("de", 5 * 60, "vor 5 Minuten"),
    ("de", 2 * 86400, "2 Tage her"), ("en", -3, "just now")])
def test_times_read_as_people_say_them(language, seconds, text):
    with translation.override(language):
        assert ago(timezone.now() - datetime.timedelta(seconds=seconds)).replace("\xa0", " ") == text


def test_the_notifications_page_says_just_now_in_german(client, people, team):
    post_message(people["lead"], team, channel=general(team), body="@expert please look")
    client.force_login(people["expert"])
    page = client.get(reverse("notify:list"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "gerade eben" in page and "0 Minuten" not in page


def test_notifications_made_before_get_the_exact_link(people, team):
    import importlib

    from django.apps import apps

    message = post_message(people["lead"], team, channel=general(team), body="@expert please look")
    notification = only(people["expert"], Kind.MENTION)
    exact = notification.url
    Notification.objects.filter(pk=notification.pk).update(url=f"/teams/{team.slug}/channels/")  # as it was made
    importlib.import_module("teams.notify.migrations.0003_notification_links").relink(apps, None)
    notification.refresh_from_db()
    assert notification.url == exact and exact.endswith(f"?message={message.pk}")
