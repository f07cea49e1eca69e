"""German and English as people type them, the same on both engines (this suite runs on SQLite, and on
PostgreSQL with DATABASE_URL): stemming, stop words, umlauts written out, phrases, excluded words, prefixes while
typing, and snippets with the matching words marked and everything else escaped."""
import pytest

from teams.discussion.posting import post_message
from teams.search import sql
from teams.search.models import Kind
from teams.search.query import query, suggest
from teams.search.sql import Filters
from tests.discussion_helpers import general

pytestmark = pytest.mark.django_db


@pytest.fixture
def said(people, team):
    """Post messages in the team's general channel; returns {text: url of its message}."""
    def post(*bodies):
        return {body: f"?message={post_message(people['lead'], team, channel=general(team), body=body).pk}"
                for body in bodies}
    return post


def urls(user, typed):
    """The messages found (the team's own card, "Shared data spaces for hospitals", is left out)."""
    return [hit.url.split("/")[-1] for hit in query(user, typed, filters=Filters(kinds=[Kind.MESSAGE])).hits]


@pytest.mark.parametrize("typed", ["Pflegekraft", "Pflegekräfte", "pflegekraefte", "PFLEGEKRÄFTE", "Pflegekräften"])
def test_german_words_are_found_in_any_form_and_umlaut_spelling(people, said, typed):
    posted = said("Wir brauchen mehr Pflegekräfte in Brandenburg.", "Nothing about care here.")
    assert urls(people["expert"], typed) == [posted["Wir brauchen mehr Pflegekräfte in Brandenburg."]]


def test_umlauts_written_out_in_the_text_are_found_with_umlauts(people, said):
    posted = said("Die Pflegekraefte der Krankenhaeuser fehlen.")
    for typed in ("Pflegekräfte", "Krankenhaus", "krankenhäuser"):
        assert urls(people["expert"], typed) == list(posted.values()), typed


@pytest.mark.parametrize("typed, text", [("hospitals", "The hospital in Cottbus"),
                                         ("hospital", "Two hospitals in Potsdam"),
                                         ("studies", "A clinical study of rural care"),
                                         ("running", "They run the pilot")])
def test_english_words_are_found_in_any_form(people, said, typed, text):
    posted = said(text)
    assert urls(people["expert"], typed) == [posted[text]]


def test_stop_words_are_left_out_of_the_query(people, said):
    posted = said("Pflegekräfte in Berlin", "Ärzte in Berlin")
    assert urls(people["expert"], "die Pflegekräfte") == [posted["Pflegekräfte in Berlin"]]
    assert urls(people["expert"], "the nurses of Berlin and") == []  # "nurses" is not in any message
    assert query(people["expert"], "und the der").problem == "These words are too common to search for."


def test_phrases_in_quotes_must_stand_together(people, said):
    posted = said("Digital health for rural Brandenburg", "Health is digital everywhere")
    both = sorted(posted.values())
    assert sorted(urls(people["expert"], "digital health")) == both
    assert urls(people["expert"], '"digital health"') == [posted["Digital health for rural Brandenburg"]]
    assert urls(people["expert"], '"health digital"') == []


def test_a_minus_excludes_a_word_or_a_phrase(people, said):
    posted = said("FHIR profiles for hospitals", "FHIR server for insurers")
    assert urls(people["expert"], "FHIR -hospital") == [posted["FHIR server for insurers"]]
    assert urls(people["expert"], 'FHIR -"server for insurers"') == [posted["FHIR profiles for hospitals"]]
    assert query(people["expert"], "-FHIR").problem == "Say what to look for, not only what to leave out."


def test_while_typing_the_last_word_is_a_prefix(people, said):
    posted = said("Pflegekräfte gesucht", "Telemedizin in der Lausitz")
    expert = people["expert"]
    for typed, url in [("Pflegek", posted["Pflegekräfte gesucht"]), ("pflegekrae", posted["Pflegekräfte gesucht"]),
                       ("Telemed", posted["Telemedizin in der Lausitz"]),
                       ("Lausitz te", posted["Telemedizin in der Lausitz"])]:
        _parsed, groups = suggest(expert, typed)
        assert [hit.url.split("/")[-1] for group in groups for hit in group.hits if hit.kind == Kind.MESSAGE] == [url]
    assert urls(expert, "Pflegek") == []  # the results page searches whole words
    assert suggest(expert, "Pflegek ")[1] == []  # a space ends the word


def test_the_snippet_marks_the_matching_words_and_escapes_the_rest(people, said):
    said("<script>alert(1)</script> Wir suchen **Pflegekräfte** für die [Nachtschicht](https://x.example) & mehr")
    [hit] = query(people["expert"], "Pflegekraft Nachtschichten", filters=Filters(kinds=[Kind.MESSAGE])).hits
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>Pflegekräfte</mark>" in hit.snippet and "<mark>Nachtschicht</mark>" in hit.snippet
    assert "**" not in hit.snippet and "https://x.example" not in hit.snippet  # Markdown read as a reader sees it
    assert "&amp; mehr" in hit.snippet


def test_a_long_text_is_cut_around_its_matches(people, said):
    filler = " ".join(f"wort{n}" for n in range(200))
    said(f"{filler} Hier geht es um Telemedizin und die Lausitz. {filler}")
    [hit] = query(people["expert"], "Telemedizin", filters=Filters(kinds=[Kind.MESSAGE])).hits
    assert "<mark>Telemedizin</mark>" in hit.snippet
    assert hit.snippet.startswith("… ") and hit.snippet.endswith(" …") and len(hit.snippet) < 400


def test_a_title_match_ranks_before_a_body_match(people, team):
    from tests.search_helpers import new_card

    lead = people["lead"]
    in_body = new_card(lead, team, "Pilot planning", description="We need a Datenschutz review first.")
    in_title = new_card(lead, team, "Datenschutz review", description="Ask the data protection officer.")
    assert [hit.object_id for hit in query(lead, "Datenschutz").hits] == [in_title.pk, in_body.pk]


@pytest.mark.parametrize("narrow", [20, 0])
def test_a_reader_of_few_or_many_teams_finds_the_same(people, said, monkeypatch, narrow):
    """The statement differs (sql.NARROW: a few teams' documents are read, a prefix checked on them; many teams'
    are looked up by the words first): what is found does not."""
    monkeypatch.setattr(sql, "NARROW", narrow)
    posted = said("Pflegekräfte gesucht", "Telemedizin in der Lausitz", "Pflege und Telemedizin")
    expert = people["expert"]
    assert sql.audience(expert).narrow == bool(narrow)
    assert sorted(urls(expert, "Telemedizin")) == sorted([posted["Pflege und Telemedizin"],
                                                          posted["Telemedizin in der Lausitz"]])
    for typed, expected in [("Pfleg", {"Pflegekräfte gesucht", "Pflege und Telemedizin"}),
                            ("Telemedizin Pfl", {"Pflege und Telemedizin"}),
                            ("Lausitz -Pfl", {"Telemedizin in der Lausitz"}),  # an excluded word is whole
                            ("Telemedizin -Lausitz Pfl", {"Pflege und Telemedizin"})]:
        _parsed, groups = suggest(expert, typed)
        found = {hit.url.split("/")[-1] for group in groups for hit in group.hits if hit.kind == Kind.MESSAGE}
        assert found == {posted[text] for text in expected}, typed
