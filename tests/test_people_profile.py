"""Expertise keywords and the professional-profile page: normalised, bounded, one's own only; hostile input is
refused with a clear message and writes nothing (through the service and over HTTP)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teams.models import Profile
from teams.people.keywords import MAX_KEYWORDS, key_of, normalised_keywords, split_keywords
from teams.people.models import Expertise, Keyword, Organisation, Sector
from teams.people.services import set_expertise, update_professional_profile
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def people_state():
    return {
        "keywords": sorted(Keyword.objects.values_list("key", "label")),
        "expertise": sorted(Expertise.objects.values_list("profile_id", "keyword__key", "position")),
        "organisations": sorted(Organisation.objects.values_list("name", "sector", "location")),
        "profiles": sorted(Profile.objects.values_list("user_id", "organisation_id")),
    }


def labels(user):
    return list(Expertise.objects.filter(profile__user=user).order_by("position").values_list("keyword__label",
                                                                                              flat=True))


def test_keywords_are_trimmed_collapsed_and_unique_ignoring_case():
    user = make_user("ada")
    set_expertise(user, user, keywords=["  FHIR ", "clinical   trials", "fhir", "Straße", "STRASSE", "", "Pflege"])
    assert labels(user) == ["FHIR", "clinical trials", "Straße", "Pflege"]
    assert key_of(" Clinical\tTrials ") == "clinical trials"
    # One Keyword row per key for everyone: the first spelling is the label.
    other = make_user("bob")
    set_expertise(other, other, keywords=["fhir", "Telemedizin"])
    assert labels(other) == ["FHIR", "Telemedizin"]
    assert Keyword.objects.filter(key="fhir").count() == 1
    # Setting again replaces, in the new order.
    set_expertise(user, user, keywords=["Pflege", "FHIR"])
    assert labels(user) == ["Pflege", "FHIR"]


def test_text_field_splits_on_commas_semicolons_and_lines():
    assert split_keywords("FHIR, Pflege;clinical trials\nKI,,\r\n") == ["FHIR", " Pflege", "clinical trials", "KI"]


@pytest.mark.parametrize("keywords, message", [
    ([f"k{n}" for n in range(MAX_KEYWORDS + 1)], "at most 20 keywords"),
    (["x"] * 1_000_000, "at most 20 keywords"),  # a flood is refused, not read to its end
    (["a" * 61], "at most 60 characters"),
    (["bad\ud800"], "control characters"),  # a lone surrogate
    (["tab\x00"], "control characters"),
    (["bell\x07"], "control characters"),
    (["zero\u200bwidth"], "control characters"),
    (["\u202eevil"], "control characters"),  # a bidi override
    (["<script>alert(1)</script>"], "HTML"),
    ([42], "must be text"),
    ("FHIR", "list of keywords"),
])
def test_hostile_keywords_are_refused_and_nothing_is_written(keywords, message):
    user = make_user("ada")
    set_expertise(user, user, keywords=["Pflege"])
    before = people_state()
    with pytest.raises(ValidationError) as refused:
        set_expertise(user, user, keywords=keywords)
    assert message in " ".join(refused.value.messages)
    assert people_state() == before


def test_exactly_twenty_keywords_of_sixty_characters_are_fine():
    user = make_user("ada")
    keywords = [f"{n:02d}" + "x" * 58 for n in range(MAX_KEYWORDS)]
    set_expertise(user, user, keywords=keywords)
    assert labels(user) == keywords
    assert list(normalised_keywords(["A", "a", "b"]).values()) == ["A", "b"]  # 21 raw items, 20 distinct: fine


def test_only_the_person_sets_their_own_profile():
    ada, bob = make_user("ada"), make_user("bob")
    before = people_state()
    with pytest.raises(PermissionDenied):
        set_expertise(bob, ada, keywords=["FHIR"])
    with pytest.raises(PermissionDenied):
        update_professional_profile(bob, ada, organisation="Bob's org", keywords=["FHIR"])
    bob.is_active = False
    bob.save()
    with pytest.raises(PermissionDenied):
        set_expertise(bob, bob, keywords=["FHIR"])
    assert people_state() == before


def test_profile_names_a_new_organisation_or_takes_an_existing_one():
    ada = make_user("ada")
    update_professional_profile(ada, ada, organisation="  Charité   Lab ", sector="care", location="berlin",
                                keywords=["Pflege"])
    profile = Profile.objects.select_related("organisation").get(user=ada)
    assert (profile.organisation.name, profile.organisation.sector, profile.organisation.location) == (
        "Charité Lab", "care", "berlin")
    # An existing organisation (ignoring case) keeps its sector: one person does not change it for all.
    bob = make_user("bob")
    update_professional_profile(bob, bob, organisation="charité lab", sector="company", location="brandenburg")
    assert Profile.objects.get(user=bob).organisation_id == profile.organisation_id
    assert Organisation.objects.get(pk=profile.organisation_id).sector == Sector.CARE
    # An empty name: no organisation.
    update_professional_profile(bob, bob, organisation=" ")
    assert Profile.objects.get(user=bob).organisation is None


def test_a_person_without_a_profile_gets_one():
    from django.contrib.auth.models import User

    user = User.objects.create_user("noprofile", password="pw")
    set_expertise(user, user, keywords=["KI"])
    assert labels(user) == ["KI"]


def test_the_page_saves_organisation_and_keywords(client):
    ada = make_user("ada")
    client.force_login(ada)
    page = client.get("/people/me/edit/").content.decode()
    assert 'name="keywords"' in page and 'list="organisations"' in page and "Test org" in page
    response = client.post("/people/me/edit/", {"organisation": "Klinikum Nord", "sector": "care",
                                                "location": "brandenburg", "keywords": "FHIR, Pflege; fhir\nKI"})
    assert response.status_code == 302 and response["Location"] == "/people/ada/"
    assert labels(ada) == ["FHIR", "Pflege", "KI"]
    assert client.get("/people/me/edit/").content.decode().count("FHIR, Pflege, KI") == 1


@pytest.mark.parametrize("data, message", [
    ({"keywords": ", ".join(f"k{n}" for n in range(25))}, "Name at most 20 keywords."),
    ({"keywords": "x" * 70}, "at most 60 characters"),
    ({"keywords": "a" * 2001}, "at most 2000 characters"),
    ({"keywords": "ok, bell\x07"}, "control characters"),
    ({"keywords": "nul\x00"}, "Null characters are not allowed."),
    ({"organisation": "o" * 201}, "at most 200 characters"),
    ({"organisation": "Evil\u202eOrg"}, "control characters"),
    ({"sector": "pirates"}, "Select a valid choice."),
    ({"location": ["berlin", "mars"]}, "Select a valid choice."),
])
def test_the_page_refuses_hostile_input_with_a_clear_error_and_writes_nothing(client, data, message):
    ada = make_user("ada")
    set_expertise(ada, ada, keywords=["Pflege"])
    client.force_login(ada)
    before = people_state()
    response = client.post("/people/me/edit/", {"organisation": "Test org", "keywords": "", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert people_state() == before


def test_german_page_and_errors(client):
    ada = make_user("ada")
    client.force_login(ada)
    response = client.post("/people/me/edit/", {"organisation": "", "keywords": "a" * 61},
                           HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert "Ihr berufliches Profil" in page and "Expertise-Schlagwörter" in page
    assert "höchstens 60 Zeichen" in page


def test_signing_in_is_needed(client):
    response = client.get("/people/me/edit/")
    assert response.status_code == 302 and "/login/" in response["Location"]
