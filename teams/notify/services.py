"""Every write to notifications and mail preferences, and the mail jobs' work.

`notify_about(events, team)` consumes every batch of recorded events (registered with
teams.events.on_recorded in apps.py): it runs inside the writing transaction (so a
notification exists exactly when its event does), in a savepoint, so a fault here is
logged and never breaks the team change. After commit, the bell of each
recipient rings on the channel-layer group "user.<id>" (realtime/notifications.py).
"""
import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teams.events import group_send
from teams.forms import MAX_ID
from teams.models import Event, Team

from . import rules
from .models import DigestSent, Kind, MailPreference, Notification

log = logging.getLogger(__name__)
DEFAULT_DIGEST_HOURS = getattr(settings, "NOTIFY_DIGEST_HOURS", MailPreference.Interval.DAILY)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


# Deriving notifications from events ----------------------------------------------------

def notify_about(events: list[Event], team: Team) -> list[Notification]:
    """The notifications of a batch of events: the team's members read once, one savepoint and one
    INSERT for all. If that fails, each event is tried alone, so one event's fault costs no other's."""
    try:
        created = _notify(events, team)
    except Exception:
        if len(events) == 1:
            log.exception("could not derive notifications from %s", events[0])
            return []
        return [notification for event in events for notification in notify_about([event], team)]
    transaction.on_commit(lambda: ring(created))
    return created


def _notify(events: list[Event], team: Team) -> list[Notification]:
    members: dict[int, list[int]] = {}  # the team's active members, read once for the batch
    # Most events notify nobody (no query at all), every plain chat post included (no savepoint).
    planned = [(event, targets) for event in events if rules.applies(event)
               and (targets := rules.recipients(event, members=members))]
    if not planned:
        return []
    with transaction.atomic():  # a savepoint: a fault in the writes rolls back only these
        return Notification.objects.bulk_create([
            Notification(recipient_id=user_id, kind=kind, team_id=team.pk, event=event, actor_id=event.actor_id,
                         data=details, url=rules.url_for(kind, event, team), created_at=event.created_at)
            for event, targets in planned for details in [rules.details(event, team)]
            for kind, user_ids in targets for user_id in user_ids
        ])


def ring(notifications: Iterable[Notification]) -> None:
    """Tell each recipient's open pages (the bell), once per person whatever the number of notifications;
    they re-read the list on resume anyway."""
    by_recipient: dict[int, list[int]] = {}
    for notification in notifications:
        if notification.pk is not None:
            by_recipient.setdefault(notification.recipient_id, []).append(notification.pk)
    for recipient_id, ids in by_recipient.items():
        try:
            group_send(user_group(recipient_id), {"type": "notify.ring", "ids": ids})
        except Exception:
            log.warning("could not ring the bell of user %s", recipient_id, exc_info=True)


# The reader's actions ----------------------------------------------------------------

@transaction.atomic
def mark_read(user: User, *, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread when ids is None). Returns how many."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        if not all(type(i) is int and 0 < i <= MAX_ID for i in ids):  # beyond: an OverflowError in the database
            raise ValidationError(_("Notification ids are numbers."))
        queryset = queryset.filter(pk__in=ids)
    marked = sorted(queryset.values_list("pk", flat=True))
    count = Notification.objects.filter(pk__in=marked).update(read_at=timezone.now())
    # The person's other open pages hear of it (the ring's frame carries the new unread count).
    told = marked if ids is not None else marked[-1:]
    transaction.on_commit(lambda: ring([Notification(pk=pk, recipient_id=user.pk) for pk in told]))
    return count


def mail_preference(user: User) -> MailPreference:
    preference = getattr(user, "_mail_preference", None)
    if preference is None:
        preference = MailPreference.objects.filter(user=user).first() or MailPreference(
            user=user, digest_hours=DEFAULT_DIGEST_HOURS)
    return preference


@transaction.atomic
def set_mail_preferences(user: User, *, digest: bool, digest_hours: int, mail_kinds: Iterable[str]) -> MailPreference:
    if digest_hours not in MailPreference.Interval.values:
        raise ValidationError({"digest_hours": _("Choose one of the offered intervals.")})
    unknown = set(mail_kinds) - set(Kind.values)
    if unknown:
        raise ValidationError({"mail_kinds": _("Unknown kind of notification.")})
    preference, _created = MailPreference.objects.select_for_update().get_or_create(user=user)
    preference.digest, preference.digest_hours = digest, digest_hours
    preference.muted_kinds = sorted(set(Kind.values) - set(mail_kinds))
    preference.save()
    return preference


def remember_language(user: User, *, language: str, replace: bool = True) -> MailPreference | None:
    """Keep the person's UI language for their mails. Called when they switch language (replace)
    or log in (only if none is known yet: a chosen language outlasts a browser's default), never on
    ordinary requests; writes only when the language changes."""
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        return None
    preference, created = MailPreference.objects.get_or_create(
        user=user, defaults={"language": language, "digest_hours": DEFAULT_DIGEST_HOURS})
    if not created and preference.language != language and (replace or not preference.language):
        preference.language = language
        preference.save(update_fields=["language"])
    return preference


# Mail jobs ---------------------------------------------------------------------------

def _preferences(user_ids: Iterable[int]) -> dict[int, MailPreference]:
    found = {p.user_id: p for p in MailPreference.objects.filter(user_id__in=user_ids)}
    return {uid: found.get(uid) or MailPreference(user_id=uid, digest_hours=DEFAULT_DIGEST_HOURS) for uid in user_ids}


def _pending() -> QuerySet[Notification]:
    return Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True).exclude(
        recipient__email="")


def _mail_language(preference: MailPreference) -> str:
    return preference.language or settings.LANGUAGE_CODE


def language_of(user: User) -> str:
    """The language the person reads in: the one they chose or logged in with last (mails, reports)."""
    return _mail_language(mail_preference(user))


def send_single_mails(*, now: datetime.datetime | None = None) -> int:
    """Mail each pending notification of people who chose single mails. Claim, then send:
    a claimed row is never sent again, even by a second worker running at the same time."""
    now = now or timezone.now()
    pending = list(_pending().values_list("pk", "recipient_id", "kind"))
    preferences = _preferences({uid for _pk, uid, _kind in pending})
    sent = 0
    for pk, user_id, kind in pending:
        preference = preferences[user_id]
        if preference.digest:
            continue
        claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now)
        if not claimed:
            continue
        if not preference.wants_mail(kind):
            continue  # muted: marked handled, never mailed
        notification = Notification.objects.select_related("recipient").get(pk=pk)
        with translation.override(_mail_language(preference)):
            message = EmailMessage(
                subject=_("[Topic teams] %(text)s") % {"text": notification.text[:120]},
                body=render_to_string("notify/mail_single.txt", {"notification": notification,
                                                                 "site": _site()}),
                to=[notification.recipient.email])
            message.send()
        sent += 1
    return sent


def _window_start(now: datetime.datetime, hours: int) -> datetime.datetime:
    epoch = datetime.datetime(2000, 1, 3, tzinfo=datetime.UTC)  # a Monday, midnight UTC
    span = datetime.timedelta(hours=hours)
    return epoch + ((now - epoch) // span) * span


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """One mail per person and interval window with everything not yet mailed. The window's
    DigestSent row is written in the same transaction that marks the notifications: a
    second run in the same window finds the marker and sends nothing."""
    now = now or timezone.now()
    user_ids = set(_pending().values_list("recipient_id", flat=True))
    preferences = _preferences(user_ids)
    connection = get_connection()
    sent = 0
    User = get_user_model()
    for user_id in sorted(user_ids):
        preference = preferences[user_id]
        if not preference.digest:
            continue
        window = _window_start(now, preference.digest_hours)
        # The digest for a window goes out once the window has begun and covers what came before.
        try:
            with transaction.atomic():
                marker = DigestSent.objects.create(user_id=user_id, window_start=window, sent_at=now)
                items = list(Notification.objects.select_for_update().filter(
                    recipient_id=user_id, emailed_at__isnull=True, created_at__lt=now))
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
                wanted = [n for n in items if preference.wants_mail(n.kind)]
                marker.count = len(wanted)
                marker.save(update_fields=["count"])
                if wanted:
                    user = User.objects.get(pk=user_id)
                    with translation.override(_mail_language(preference)):
                        EmailMessage(
                            subject=_("[Topic teams] %(count)d new notifications") % {"count": len(wanted)}
                            if len(wanted) != 1 else _("[Topic teams] 1 new notification"),
                            body=render_to_string("notify/mail_digest.txt", {
                                "user": user, "notifications": wanted, "site": _site()}),
                            to=[user.email], connection=connection).send()
                    sent += 1
        except IntegrityError:
            continue  # this window's digest is already out
    return sent


def _site() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000")
