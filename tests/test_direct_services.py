"""Direct messages' services (teams/direct): conversations of two (one per pair) and groups (3–8), messages,
reactions, read markers; the conversation's log (gapless seq); bad input writes nothing."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max

from teams.direct import messages, reactions
from teams.direct.conversations import start_conversation
from teams.direct.models import Conversation, DirectEvent, DirectMessage, DirectReaction
from teams.direct.selectors import conversations, unread_total
from tests.conftest import make_user
from tests.direct_helpers import pair

pytestmark = pytest.mark.django_db


def seqs(conversation):
    return list(DirectEvent.objects.filter(conversation=conversation).order_by("seq").values_list("seq", flat=True))


def test_a_pair_has_one_conversation_whoever_starts_it(people):
    first = start_conversation(people["expert"], [people["lead"]])
    again = start_conversation(people["lead"], [people["expert"].pk])
    assert again.pk == first.pk and Conversation.objects.count() == 1
    assert DirectEvent.objects.get(conversation=first).data == {
        "conversation": first.pk, "participants": [people["expert"].pk, people["lead"].pk], "name": ""}


def test_groups_of_three_to_eight_are_new_each_time(people):
    others = [people[role] for role in ("lead", "observer", "advisor")]
    one = start_conversation(people["expert"], others, name="Pilot group")
    two = start_conversation(people["expert"], others)
    assert one.pk != two.pk and one.name == "Pilot group" and one.participants.count() == 4
    many = [make_user(f"p{i}") for i in range(8)]
    with pytest.raises(ValidationError, match="at most 8"):
        start_conversation(people["expert"], many)
    assert len(start_conversation(people["expert"], many[:7]).participants.all()) == 8


@pytest.mark.parametrize("chosen,message", [
    ([], "at least one"), (["self"], "at least one"), (["inactive"], "cannot receive"), (["unknown"], "cannot"),
    (["text"], "from the list")])
def test_bad_choices_write_nothing(people, chosen, message):
    inactive = make_user("gone", is_active=False)
    ids = {"self": people["expert"].pk, "inactive": inactive.pk, "unknown": 10**9, "text": "1"}
    with pytest.raises(ValidationError, match=message):
        start_conversation(people["expert"], [ids[c] for c in chosen])
    assert not Conversation.objects.exists()


def test_a_deactivated_person_starts_nothing(people):
    people["expert"].is_active = False
    with pytest.raises(PermissionDenied):
        start_conversation(people["expert"], [people["lead"]])


def test_messages_edit_delete_react_read_in_one_gapless_log(people):
    conversation = pair(people)
    expert, lead = people["expert"], people["lead"]
    first = DirectMessage.objects.filter(conversation=conversation).order_by("id").first()
    assert unread_total(lead.pk) == 0 and unread_total(expert.pk) == 1  # one's own post moves one's marker
    posted = messages.post_message(lead, conversation.pk, body="**Bold** @expert and @nobody")
    data = posted.data
    assert '<span class="mention">@expert</span>' in data["html"] and "<strong>Bold</strong>" in data["html"]
    assert data["mentions"] == [expert.pk] and data["author_name"] == "Lead Tester"
    edited = messages.edit_message(expert, conversation.pk, message=first.pk, body="Changed")
    assert edited.kind == "message.edited" and edited.data["edited_at"]
    assert reactions.add_reaction(lead, conversation.pk, message=first.pk, emoji="👍").data["count"] == 1
    assert reactions.add_reaction(lead, conversation.pk, message=first.pk, emoji="👍") is None  # nothing changed
    read = reactions.mark_read(expert, conversation.pk, message=posted.data["message"])
    assert read.data == {"conversation": conversation.pk, "user": expert.pk, "message": posted.data["message"]}
    assert reactions.mark_read(expert, conversation.pk, message=first.pk) is None  # never back
    assert unread_total(expert.pk) == 0
    deleted = messages.delete_message(expert, conversation.pk, message=first.pk)
    first.refresh_from_db()
    assert first.is_deleted and first.body == "" and not DirectReaction.objects.filter(message=first).exists()
    assert deleted.data == {"conversation": conversation.pk, "message": first.pk, "author": expert.pk}
    conversation.refresh_from_db()
    assert seqs(conversation) == list(range(1, conversation.last_seq + 1)) and conversation.last_seq == 8


def test_only_participants_act_and_only_authors_change(people):
    conversation = pair(people)
    first = DirectMessage.objects.filter(conversation=conversation).order_by("id").first()
    before = DirectEvent.objects.aggregate(Max("seq"))
    for role in ("manager", "advisor", "observer"):
        with pytest.raises(Conversation.DoesNotExist):
            messages.post_message(people[role], conversation.pk, body="hi")
        with pytest.raises(Conversation.DoesNotExist):
            reactions.mark_read(people[role], conversation.pk, message=first.pk)
    with pytest.raises(PermissionDenied):
        messages.edit_message(people["lead"], conversation.pk, message=first.pk, body="mine now")
    with pytest.raises(PermissionDenied):
        messages.delete_message(people["lead"], conversation.pk, message=first.pk)
    assert DirectEvent.objects.aggregate(Max("seq")) == before


def test_bad_input_writes_nothing(people):
    conversation = pair(people)
    other = pair(people, "observer", "lead")
    foreign = DirectMessage.objects.filter(conversation=other).first()
    count = DirectEvent.objects.count()
    expert = people["expert"]
    with pytest.raises(ValidationError):
        messages.post_message(expert, conversation.pk, body="   ")
    with pytest.raises(ValidationError):
        messages.post_message(expert, conversation.pk, body="x" * 10_001)
    with pytest.raises(ValidationError):
        reactions.add_reaction(expert, conversation.pk,
                               message=DirectMessage.objects.filter(conversation=conversation).first().pk, emoji="💩")
    with pytest.raises(DirectMessage.DoesNotExist):  # another conversation's message
        reactions.add_reaction(expert, conversation.pk, message=foreign.pk, emoji="👍")
    with pytest.raises(DirectMessage.DoesNotExist):
        messages.edit_message(expert, conversation.pk, message=10**12, body="x")
    assert DirectEvent.objects.count() == count


def test_posting_is_rate_limited_like_channels(people, settings):
    settings.DISCUSSION_POST_RATE = (3, 30)
    conversation = start_conversation(people["expert"], [people["lead"]])
    for i in range(3):
        messages.post_message(people["expert"], conversation.pk, body=f"n{i}")
    with pytest.raises(ValidationError) as refused:
        messages.post_message(people["expert"], conversation.pk, body="one too many")
    assert refused.value.code == "rate_limited" and DirectMessage.objects.count() == 3


def test_the_list_is_newest_first_with_unread_counts(people):
    older = pair(people)
    newer = pair(people, "observer", "expert")
    rows = conversations(people["expert"])
    assert [c.pk for c in rows] == [newer.pk, older.pk]
    assert [(c.title, c.unread) for c in rows] == [("Observer Tester", 0), ("Lead Tester", 1)]
    assert unread_total(people["expert"].pk) == 1


def test_the_author_is_not_among_the_mentions(people):
    lead, expert = people["lead"], people["expert"]
    conversation = start_conversation(lead, [expert])
    posted = messages.post_message(lead, conversation.pk, body="@lead and @expert").data
    assert posted["mentions"] == [expert.pk] and posted["html"].count('class="mention"') == 2
    edited = messages.edit_message(lead, conversation.pk, message=posted["message"], body="only @LEAD").data
    assert edited["mentions"] == [] and DirectMessage.objects.get(pk=posted["message"]).mentions == []
