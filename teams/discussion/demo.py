"""Demo content for the discussion: lively channels with threads, mentions, reactions and task links,
made through the services like any real change (only the timestamps are spread out afterwards)."""
import datetime

from django.utils import timezone

from teams.board.models import Card
from teams.models import Membership

from .channels import GENERAL, create_channel, set_up_channels
from .models import Channel, Message
from .posting import post_message
from .rate_limit import rate_limit_suspended
from .reactions import add_reaction
from .reading import mark_read, set_thread_subscription


def _card(team, n=0):
    try:
        return Card.objects.filter(team=team).order_by("id").values_list("pk", flat=True)[n]
    except IndexError:
        return None


def _script(team, lead, others, supporter, card):
    """(channel, author, body, reply-to index or None, reactions [(person, emoji)])."""
    a, b = others[0], others[1 % len(others)]
    task = f"#{card}" if card else "the kick-off task"
    return [
        ("general", lead, f"Welcome to **{team.name}**! This is our channel for everything that does not fit "
         "a task. Please introduce yourselves briefly.", None, [(a, "👍"), (b, "🎉")]),
        ("general", a, f"Hi all, glad to be on board. @{lead.username} I can take over the stakeholder map.", 0,
         [(lead, "🙏")]),
        ("general", b, "Hello! I will mostly help with the data and the evaluation.", 0, []),
        ("general", supporter, f"From the cluster office: the advisory board reviews progress per strategic goal, "
         f"so please link tasks to goals on the board. @{lead.username} I can set that up with you.", None,
         [(lead, "✅")]),
        ("general", lead, f"@{supporter.username} yes please, Thursday 10:00?", 3, []),
        ("general", supporter, "Works for me, I'll send an invitation.", 3, [(lead, "👍")]),
        ("general", a, f"Draft of the work plan is in {task}, comments welcome until Friday.", None,
         [(b, "👀"), (lead, "👍")]),
        ("general", b, f"@{a.username} looks good. One question: do we report per focal area or per goal?", 6, []),
        ("general", a, "Per goal; the focal areas roll up automatically.", 6, [(b, "🙏")]),
        ("general", lead, "Reminder: status report for the cluster conference is due at the end of the month.",
         None, []),
        ("pilot", lead, "Let's use this channel to plan the pilot: partners, timeline, data protection.", None, []),
        ("pilot", b, "The data protection check is the critical path. Who talks to the state DPO?", None,
         [(a, "🤔")]),
        ("pilot", a, f"I do. @{b.username} can you prepare the data flow diagram?", 11, []),
        ("pilot", b, "Will do by Wednesday.", 11, [(a, "👍")]),
        ("pilot", lead, "Great. Timeline proposal:\n\n1. Contracts signed\n2. Test data exchange\n3. Go-live",
         None, [(a, "✅"), (b, "✅")]),
    ]


def populate_channels(team, people):
    if Message.objects.filter(team=team).exists():
        return
    members = list(Membership.objects.filter(team=team, state=Membership.State.ACTIVE).select_related("user"))
    leads = [m.user for m in members if m.role == Membership.Role.LEAD]
    experts = [m.user for m in members if m.role == Membership.Role.EXPERT]
    supporters = [m.user for m in members if m.role == Membership.Role.SUPPORTER]
    if not leads or not experts:
        return
    lead = leads[0]
    supporter = supporters[0] if supporters else lead
    if not Channel.objects.filter(team=team, name=GENERAL).exists():
        set_up_channels(team, lead)
    channels = {"general": Channel.objects.get(team=team, name=GENERAL)}
    with rate_limit_suspended():
        channels["pilot"] = create_channel(lead, team, name="pilot-planning",
                                                    topic="Partners, timeline and data protection of the pilot")
        card = _card(team)
        if card:
            create_channel(lead, team, name="work-plan", topic="Discussion of the work plan task",
                                    card=card)
        posted = []
        for channel, author, body, reply_to, reactions in _script(team, lead, experts, supporter, card):
            thread = posted[reply_to].pk if reply_to is not None else None
            message = post_message(author, team, channel=channels[channel], body=body, thread=thread)
            posted.append(message)
            for person, emoji in reactions:
                if person != author:
                    add_reaction(person, team, message=message.pk, emoji=emoji)
        # Some have read everything, others are behind: unread counts and "seen by" show it.
        mark_read(lead, team, channel=channels["general"], message=posted[9].pk)
        mark_read(experts[0], team, channel=channels["general"], message=posted[6].pk)
        set_thread_subscription(supporter, team, message=posted[6].pk, state="follow")
    # Spread the conversation over the last days (demo history only).
    now = timezone.now()
    for n, message in enumerate(posted):
        Message.objects.filter(pk=message.pk).update(
            created_at=now - datetime.timedelta(hours=3 * (len(posted) - n), minutes=7 * n))
