"""The German translation: a complete catalogue, German pages, intact placeholders, and no
string in the code that the catalogue does not translate yet.

The .po file is read with a small parser here (no polib): entries are msgctxt / msgid /
msgid_plural / msgstr / msgstr[n] with "#," flags; obsolete entries ("#~") are skipped.
"""
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import missing

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# The same exclusions as the documented command:
#   manage.py makemessages -l de --ignore=.venv --ignore=var --ignore=bench --ignore=tests
MAKEMESSAGES_IGNORE = [".venv", "var", "bench", "tests"]
# Not copied for the freshness check: the above, the catalogue (copied separately), VCS and
# tool caches, and build/test output that is not part of the source.
NOT_COPIED = set(MAKEMESSAGES_IGNORE) | {"locale", "test-artifacts", "node_modules", "build", "dist"}

# printf-style (%(name)s, %s, %d, %%), template ({{ x }}), str.format ({0}, {name}) and HTML tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]?\d*(?:\.\d+)?[sdifgeExXr]|%[#0 +-]?\d*(?:\.\d+)?[sdifgeExXr]|%%"
                         r"|\{\{.*?\}\}|\{[\w.]*\}|</?[a-zA-Z][^<>]*>")

# German words for the navigation, as shown in the top bar (what "My teams" etc. became).
GERMAN_NAV = ["Meine Thementeams", "Alle Thementeams", "Masterplan", "Abmelden"]
ENGLISH_NAV = ["My teams", "All teams", "Log out"]


# A tiny .po parser ---------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a PO string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


class Entry:
    def __init__(self):
        self.flags = set()
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = None          # singular entries
        self.msgstr_plural = {}     # plural entries: index -> text
        self.line = 0

    @property
    def translations(self):
        return list(self.msgstr_plural.values()) if self.msgid_plural is not None else [self.msgstr]

    def __repr__(self):
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path):
    """Every non-obsolete entry of a .po file, the header (msgid "") included."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry.msgid is not None:
            entries.append(entry)

    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgid is not None and field is not None:
                finish()
                entry, field = None, None
            if line.startswith("#,"):
                entry = entry or Entry()
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgid is not None:
                finish()
                entry = None
            entry = entry or Entry()
            if keyword == "msgid":
                entry.line = number
            if index is not None:
                entry.msgstr_plural[int(index)] = value
                field = ("msgstr_plural", int(index))
            else:
                setattr(entry, keyword, value)
                field = (keyword, None)
            continue
        if line.startswith('"') and entry is not None and field is not None:
            name, index = field
            if name == "msgstr_plural":
                entry.msgstr_plural[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
            continue
        raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def messages(path):
    return [e for e in parse_po(path) if e.msgid != ""]


def header(path):
    head = next(e for e in parse_po(path) if e.msgid == "")
    return dict(line.split(": ", 1) for line in head.msgstr.splitlines() if ": " in line), head


# (a) a complete catalogue --------------------------------------------------------------------

def test_catalogue_header_is_german_with_two_plural_forms():
    fields, head = header(PO)
    assert fields.get("Language") == "de"
    assert fields.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert "fuzzy" not in head.flags, "the header is still marked fuzzy"


def test_catalogue_has_no_empty_or_fuzzy_entry():
    entries = messages(PO)
    assert len(entries) > 500, "the German catalogue looks truncated"
    empty = [e for e in entries if not all(e.translations)]
    fuzzy = [e for e in entries if "fuzzy" in e.flags]
    assert not empty, f"{len(empty)} untranslated entries in {PO.name}: {empty[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in {PO.name} (check them, then drop the flag): {fuzzy[:20]}"
    plural = [e for e in entries if e.msgid_plural is not None]
    assert all(sorted(e.msgstr_plural) == [0, 1] for e in plural), "German has exactly two plural forms"


def test_compiled_catalogue_matches_the_po_file():
    """django.mo must be rebuilt (compilemessages) whenever django.po changes."""
    with open(MO, "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in messages(PO):
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is None:
            got = compiled.gettext(key) if e.msgctxt is None else compiled.pgettext(e.msgctxt, e.msgid)
            if got != e.msgstr:
                stale.append(e)
        else:
            got = [compiled.ngettext(e.msgid, e.msgid_plural, n) if e.msgctxt is None
                   else compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) for n in (1, 2)]
            if got != [e.msgstr_plural[0], e.msgstr_plural[1]]:
                stale.append(e)
    assert not stale, f"django.mo is out of date: run manage.py compilemessages ({stale[:10]})"


# (c) placeholders survive translation -------------------------------------------------------

def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_every_placeholder_of_the_msgid_is_in_the_msgstr():
    broken = []
    for e in messages(PO):
        if e.msgid_plural is None:
            pairs = [(e.msgid, e.msgstr)]
        else:
            # German form 0 is the singular, form 1 the plural.
            pairs = [(e.msgid, e.msgstr_plural.get(0, "")), (e.msgid_plural, e.msgstr_plural.get(1, ""))]
        for source, target in pairs:
            if _placeholders(source) != _placeholders(target):
                broken.append(f"{source!r} -> {target!r}")
            for edge in (lambda s: s[:1].isspace(), lambda s: s[-1:].isspace(),
                         lambda s: s.startswith("\n"), lambda s: s.endswith("\n")):
                if edge(source) != edge(target):
                    broken.append(f"leading/trailing whitespace differs: {source!r} -> {target!r}")
                    break
    assert not broken, "placeholders, tags or surrounding whitespace changed:\n" + "\n".join(broken)


def test_python_format_entries_format_with_the_msgids_names():
    """Format each translation with the names its msgid uses (catches a typo such as %(nmae)s)."""
    failures = []
    for e in messages(PO):
        if "python-format" not in e.flags:
            continue
        names = set(re.findall(r"%\((\w+)\)", e.msgid + (e.msgid_plural or "")))
        for text in e.translations:
            values = {name: 1 for name in names}
            try:
                text % values if names else text % ()
            except (KeyError, TypeError, ValueError) as error:
                failures.append(f"{e.msgid!r} -> {text!r}: {error!r}")
    assert not failures, "\n".join(failures)


# (b) German pages ------------------------------------------------------------------------------

@pytest.fixture
def german_client(client, people):
    client.force_login(people["lead"])
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/my/"})
    assert response.status_code == 302
    return client


def assert_german(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert '<html lang="de">' in html
    for word in GERMAN_NAV:
        assert word in html, f"{word!r} missing from the German page {response.request['PATH_INFO']}"
    for word in ENGLISH_NAV:
        assert f">{word}<" not in html, f"English {word!r} left on {response.request['PATH_INFO']}"
    return html


@pytest.mark.django_db
def test_language_switch_renders_the_key_pages_in_german(german_client, team):
    pages = {
        "/my/": ["Data Spaces", "Ihre Rolle:", "Leitung"],
        "/teams/": ["Handlungsfeld", "Alle Schwerpunkte", "Thementeam vorschlagen"],
        "/masterplan/": ["Masterplan „Berlin-Brandenburg – Zukunft der Gesundheit“"],
        f"/teams/{team.slug}/": ["Letzte Aktivitäten", "Zeitraum", "hat das Thementeam gestartet"],
        f"/teams/{team.slug}/board/": ["Aufgaben filtern", "Spalte hinzufügen", "WIP-Limit"],
        f"/teams/{team.slug}/channels/": ["Kanäle", "Senden"],
    }
    for path, words in pages.items():
        html = assert_german(german_client.get(path, follow=True))
        for word in words:
            assert word in html, f"{word!r} missing from {path}"


@pytest.mark.django_db
def test_accept_language_header_selects_german(client, people):
    client.force_login(people["lead"])
    html = assert_german(client.get("/my/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5"))
    assert "Sie sind noch in keinem Thementeam." in html


@pytest.mark.django_db
def test_english_stays_the_default(client, people):
    client.force_login(people["lead"])
    html = client.get("/my/").content.decode()
    assert '<html lang="en">' in html and "My teams" in html


@pytest.mark.django_db
def test_login_page_is_german(client, people):
    client.post("/i18n/setlang/", {"language": "de", "next": "/login/"})
    html = client.get("/login/").content.decode()
    assert '<html lang="de">' in html and "Anmelden" in html


# (d) every string in the code has a translation -------------------------------------------------

def _copy_sources(target):
    """The project as makemessages sees it (sources and templates), without the catalogue."""
    for entry in ROOT.iterdir():
        if entry.name in NOT_COPIED or entry.name.startswith(".") or entry.name.endswith(".egg-info"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif entry.suffix in {".py", ".html", ".txt"}:
            shutil.copy2(entry, target / entry.name)


def test_no_string_in_the_code_lacks_a_german_translation(tmp_path):
    for tool in ("xgettext", "msgmerge", "msguniq"):
        if not shutil.which(tool):
            missing(f"GNU gettext's {tool} is not installed (apt-get install gettext)")
    project = tmp_path / "project"
    project.mkdir()
    _copy_sources(project)
    shutil.copytree(ROOT / "locale", project / "locale")
    # No settings: makemessages then writes into ./locale of the copy only, never into the
    # project's own LOCALE_PATHS.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "de", "--no-obsolete",
         *[f"--ignore={name}" for name in MAKEMESSAGES_IGNORE]],
        cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    fresh = messages(project / "locale" / "de" / "LC_MESSAGES" / "django.po")
    untranslated = [e.msgid for e in fresh if not all(e.translations)]
    fuzzy = [e.msgid for e in fresh if "fuzzy" in e.flags]
    assert len(fresh) > 500, "makemessages found suspiciously few strings"
    assert not untranslated and not fuzzy, (
        "strings in the code without a German translation — run makemessages -l de, translate them in "
        "locale/de/LC_MESSAGES/django.po and run compilemessages:\n"
        + "\n".join([f"  missing: {m!r}" for m in untranslated] + [f"  changed (fuzzy): {m!r}" for m in fuzzy]))
