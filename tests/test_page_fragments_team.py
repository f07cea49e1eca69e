"""The team page's cached parts (teams/team_page.py): the overview around the member rows, the viewer's state and
own row. Each test loads the page (filling the cache), changes what it shows as the product does, loads it again."""
import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from teams import membership as membership_services
from teams.board.cards import create_card
from teams.board.models import Column
from teams.invitations import mail
from teams.invitations.models import Invitation
from teams.models import Membership
from teams.services import extend_team, update_team
from tests.conftest import make_user, team_data
from tests.invitation_helpers import invite
from tests.test_page_fragments import members_section, page, team_url

pytestmark = pytest.mark.django_db


def signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def invitations_section(html):
    return html.split('<div id="invitations"', 1)[1].split("</div>", 1)[0]


def test_an_edited_team_and_a_renamed_goal_show_at_once(people, team):
    browser = signed_in(people["expert"])
    assert "Shared data spaces for hospitals." in page(browser, team_url(team))
    update_team(people["manager"], team, **{key: value for key, value in team_data(
        name="Data Spaces Berlin", purpose="Now with the hospitals of Brandenburg.").items()
        if key in ("name", "purpose", "goals", "fields_of_action")})
    html = page(browser, team_url(team))
    assert "Now with the hospitals of Brandenburg." in html and "<h1>Data Spaces Berlin" in html
    goal = team.goals.order_by("code").first()
    goal.title_en = "A goal renamed in the admin"
    goal.save()
    assert "A goal renamed in the admin" in page(browser, team_url(team))


def test_new_activity_and_a_new_end_date_show_at_once(people, team):
    browser = signed_in(people["expert"])
    assert "Charter draft" not in page(browser, team_url(team))
    create_card(people["lead"], team, column=Column.objects.filter(team=team).first(), title="Charter draft")
    new_end = team.end_date + datetime.timedelta(days=30)
    extend_team(people["manager"], team, end_date=new_end)
    html = page(browser, team_url(team)).split('class="activity"', 1)[1]
    assert "created the card “Charter draft”" in html and "extended the team" in html


def test_a_day_passing_changes_the_days_left(people, team, settings):
    settings.TIME_ZONE = "Pacific/Pago_Pago"  # 25 hours behind the next zone: its date is a day earlier
    browser = signed_in(people["expert"])
    left = re.search(r"\((\d+) days left\)", page(browser, team_url(team))).group(1)
    settings.TIME_ZONE = "Pacific/Kiritimati"
    assert f"({int(left) - 1} days left)" in page(browser, team_url(team))


@pytest.mark.parametrize("requester_first", [True, False])
def test_a_join_request_shows_to_the_leads_and_its_asker_but_not_to_others(people, team, requester_first):
    asker, other, lead = (signed_in(people[name]) for name in ("outsider", "advisor", "lead"))
    page(lead, team_url(team))  # the leads' overview is cached before the request
    membership_services.request_to_join(people["outsider"], team, message="I run the Charité's data office")
    order = [asker, other] if requester_first else [other, asker]
    pages = {browser: page(browser, team_url(team)) for browser in order}
    assert "You have asked to join" in pages[asker] and ">Ask to join<" not in pages[asker]
    assert "You have asked to join" not in pages[other]
    assert "I run the Charité" in page(lead, team_url(team)).split("Join requests", 1)[1]
    assert "I run the Charité" not in pages[other]


def test_a_role_change_and_a_removal_change_the_viewers_own_row_at_once(people, team):
    browser = signed_in(people["expert"])
    assert 'class="inline role-form"' not in page(browser, team_url(team))
    mine = Membership.objects.get(team=team, user=people["expert"])
    membership_services.change_role(people["lead"], mine, role=Membership.Role.LEAD)
    html = members_section(page(browser, team_url(team)))
    own = html.split('data-user="expert"', 1)[1].split("</li>", 1)[0]
    assert ">Leave<" in own and 'class="inline role-form"' in html
    membership_services.remove_member(people["lead"], Membership.objects.get(pk=mine.pk))
    html = page(browser, team_url(team))
    assert 'data-user="expert"' not in members_section(html) and ">Leave<" not in html


def test_each_viewer_sees_only_their_own_leave_form_in_either_order(people, team):
    second = membership_services.enrol_member(people["manager"], team, user=make_user("second"),
                                              role=Membership.Role.EXPERT).user
    for order in ([people["expert"], second], [second, people["expert"]]):
        for viewer in order:
            html = members_section(page(signed_in(viewer), team_url(team)))
            own = html.split(f'data-user="{viewer.username}"', 1)[1].split("</li>", 1)[0]
            assert ">Leave<" in own and html.count(">Leave<") == 1


def test_a_new_invitation_its_mail_and_its_expiry_show_at_once(people, team, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lead = signed_in(people["lead"])
    assert "No invitation is waiting" in invitations_section(page(lead, team_url(team)))
    invitation = invite(people["lead"], team, emails=["new@example.org"])[0]
    assert "mail on its way" in invitations_section(page(lead, team_url(team)))
    assert mail.send_invitation(invitation.pk)  # the worker: a queryset update, no event
    section = invitations_section(page(lead, team_url(team)))
    assert "new@example.org" in section and "mail on its way" not in section and "valid until" in section
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())  # its moment has come
    assert "expired on" in invitations_section(page(lead, team_url(team)))
    assert "new@example.org" not in page(signed_in(people["expert"]), team_url(team))  # experts see none
