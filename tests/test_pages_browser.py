"""The main pages of the demo cluster in real Chromium, as the people who use them:

- axe-core (npm, pinned in package-lock.json; `make test` runs `npm ci`) finds no serious or
  critical accessibility violation on any of them, in German and English;
- in German at 1366 px (a laptop) and 390 px (a phone): the header is one row on the laptop,
  nothing sticks out of its box (sidebars, tables, headers, selects), the chat's edit form
  keeps Save in sight, an over-limit column keeps its ⋯ menu beside its name;
- no page asks for something that is not there (a 404 favicon, a missing script).
"""
import contextlib
import datetime
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections

from teams.board.cards import create_card
from teams.board.columns import update_column
from teams.board.models import Card
from teams.demo import DEMO_PASSWORD
from teams.direct.models import Conversation
from teams.discussion.models import Channel
from teams.models import Membership, Team
from tests.conftest import ROOT, missing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TEAM = "interoperable-patient-data"
SERIOUS = """() => axe.run(document, {resultTypes: ["violations"]}).then((result) => result.violations
  .filter((violation) => ["serious", "critical"].includes(violation.impact))
  .map((violation) => `${violation.id}: ` +
       violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(" | ")))"""


def load_demo():
    call_command("load_demo", stdout=StringIO())
    team = Team.objects.get(slug=TEAM)
    card = Card.objects.filter(team=team, archived=False).order_by("pk").first()
    column = card.column
    lead = get_user_model().objects.get(username="david")
    if Card.objects.filter(column=column, archived=False).count() < 2:
        create_card(lead, team, column=column, title="One too many")
    update_column(lead, column, name=column.name, wip_limit=1, is_done=column.is_done)
    channel = Channel.objects.get(team=team, name="general")
    membership = Membership.objects.get(team=team, user=lead)
    connections.close_all()
    return {"team": team, "card": card, "column": column, "channel": channel, "membership": membership}


@pytest.fixture(scope="module")
def demo_snapshot(tmp_path_factory):
    """Where the first test's loaded demo is kept as an SQLite file: the module's later tests copy it back
    instead of loading the demo again (~9 s a test; the copy takes milliseconds)."""
    return {"path": tmp_path_factory.mktemp("demo") / "demo.sqlite3", "taken": False}


@pytest.fixture
def demo(closes_connections, daphne_server, demo_snapshot):
    """The demo cluster (`make run`'s), with one over-limit column on the demo team's board. Loaded in
    a thread of its own: the services ring with async_to_sync, which cannot run in the thread where
    Playwright's event loop is (the module's earlier tests started it). On SQLite loaded once per module and
    copied back (the backup API) after each test's flush: the same rows, ids and search index every time."""
    database = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite" and demo_snapshot["taken"]:
        connections.close_all()
        copy_sqlite(demo_snapshot["path"], database)
        ContentType.objects.clear_cache()  # the flush made new ones; the copy brings back the demo's ids
        return {name: type(row).objects.get(pk=row.pk) for name, row in demo_snapshot["rows"].items()}
    with ThreadPoolExecutor(1) as pool:
        rows = pool.submit(load_demo).result()
    if connection.vendor == "sqlite":
        copy_sqlite(database, demo_snapshot["path"])
        demo_snapshot.update(taken=True, rows=rows)
    return rows


def copy_sqlite(source, target):
    """The whole database `source` into `target`, as one write transaction (the servers' open connections see it)."""
    with contextlib.closing(sqlite3.connect(source)) as read, contextlib.closing(sqlite3.connect(target)) as write:
        read.backup(write)


def main_pages(demo):
    """(who, path) of every main page, each as someone who uses it."""
    team, card = demo["team"].slug, demo["card"]
    return [
        ("anna", "/my/"), ("anna", "/my/tasks/"), ("anna", "/teams/"), ("anna", "/masterplan/"),
        ("anna", f"/teams/{team}/"),
        ("anna", f"/teams/{team}/board/"), ("anna", f"/teams/{team}/channels/{demo['channel'].pk}/"),
        ("anna", f"/teams/{team}/review/"), ("anna", "/notifications/"),
        ("anna", f"/teams/{team}/board/cards/{card.pk}/"), ("anna", "/teams/launch/"),
        ("anna", f"/teams/{team}/outputs/"), ("anna", "/teams/pandemic-preparedness-network/"),
        ("david", f"/teams/{team}/channels/{demo['channel'].pk}/"), ("lena", "/desk/"), ("petra", "/review/"),
        ("petra", "/review/meetings/"), ("petra", "/review/unworked-goals/"),
        ("anna", "/account/"), ("anna", "/account/people/"),
        ("david", f"/teams/{team}/members/{demo['membership'].pk}/contribution/"), ("david", f"/teams/{team}/leave/"),
        ("anna", "/people/"), ("anna", "/people/david/"), ("anna", f"/teams/{team}/members/invite/"),
        ("david", "/people/?keyword=fhir"), ("david", "/people/me/edit/"), ("anna", "/audit/"),
        ("anna", f"/account/people/{get_user_model().objects.get(username='david').pk}/erase/"),
        ("david", "/messages/"), ("david", f"/messages/{Conversation.objects.order_by('pk').first().pk}/"),
    ]


def sign_in(login_page, username, language, **options):
    page = login_page(get_user_model().objects.get(username=username), language=language, password=DEMO_PASSWORD,
                      **options)
    if page.get_attribute("html", "lang") != language:  # the person's saved language wins at login: switch
        page.click(f"button[name=language][value={language}]")
        page.wait_for_selector(f"html[lang={language}]")
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    return page, failed


def open_page(page, url):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    if page.locator("[data-live-state]").count():  # a live page: judge it as people see it, connected
        page.wait_for_selector("html.is-live")


@pytest.fixture
def axe():
    """axe-core from node_modules (`make test` runs `npm ci`); NOT RUN without it, a failure in CI."""
    if not AXE.exists():
        missing(f"{AXE.relative_to(ROOT)} is missing: `npm ci` installs axe-core (npm is needed)")
    return str(AXE)


@pytest.mark.parametrize("language", ["de", "en"])
def test_axe_finds_no_serious_violation_on_the_main_pages(axe, demo, chromium, login_page, daphne_server, language):
    found = {}

    def check(page, name):
        page.add_script_tag(path=axe)  # the context bypasses the CSP for this test only
        violations = page.evaluate(SERIOUS)
        if violations:
            found[name] = violations

    anonymous = chromium.new_context(locale=language, bypass_csp=True)
    try:
        page = anonymous.new_page()
        open_page(page, f"{daphne_server.url}/login/")
        assert page.get_attribute("html", "lang") == language
        check(page, "login")
        open_page(page, f"{daphne_server.url}/password/reset/")
        check(page, "password reset")
    finally:
        anonymous.close()

    pages, failed = {}, []
    for who, path in main_pages(demo):
        if who not in pages:
            pages[who], failures = sign_in(login_page, who, language, bypass_csp=True)
            failed.append(failures)
        page = pages[who]
        open_page(page, daphne_server.url + path)
        assert page.get_attribute("html", "lang") == language
        check(page, f"{who} {path}")

    # What opens within pages: the card dialog with its inline editors (the description's open), a thread with a
    # message being edited, the confirm dialog.
    team = demo["team"].slug
    page = pages["anna"]
    open_page(page, f"{daphne_server.url}/teams/{team}/board/")
    page.click(f"#card-{demo['card'].pk} .tile-title")
    page.click("#card-dialog[open] [data-description-edit]")
    check(page, "card dialog")
    open_page(page, f"{daphne_server.url}/teams/{team}/")
    page.locator("#members form[data-confirm] button").first.click()
    page.wait_for_selector("#confirm-dialog[open]")
    check(page, "confirm dialog")
    page = pages["david"]
    open_page(page, f"{daphne_server.url}/teams/{team}/channels/{demo['channel'].pk}/")
    page.locator(".msg .replies").first.click()
    page.wait_for_selector(".thread-pane:not([hidden]) .msg")
    page.locator(".msg .edit").last.click()
    check(page, "thread, editing")
    assert found == {}
    assert [failure for failures in failed for failure in failures] == []


# Layout -------------------------------------------------------------------------------------

OVERFLOWING = """() => {
  // Boxes whose content is wider than they are and not meant to scroll; rows of a table-wrap
  // must fit on a laptop; selects must show their whole chosen text.
  const out = [];
  const laptop = window.innerWidth >= 1000;
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute; visibility:hidden; white-space:pre";
  document.body.appendChild(probe);
  for (const e of document.body.querySelectorAll("*")) {
    if (!e.checkVisibility() || e.closest(".sr, .sr-only") || e === probe) continue;
    const style = getComputedStyle(e);
    const scrolls = ["auto", "scroll"].includes(style.overflowX);
    const name = `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")} ` +
                 `«${(e.textContent || "").trim().slice(0, 30)}»`;
    const field = ["INPUT", "TEXTAREA"].includes(e.tagName);  // their text scrolls inside them by nature
    const overflows = e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1;
    if (!field && overflows && (!scrolls || (laptop && e.matches(".table-wrap"))))
      out.push(`${name} ${e.scrollWidth}>${e.clientWidth}`);
    if (e.tagName === "SELECT" && e.selectedOptions.length) {
      probe.style.font = style.font;
      probe.textContent = e.selectedOptions[0].textContent;
      const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;  // the arrow
      if (probe.offsetWidth > room) {
        out.push(`select «${probe.textContent}» shows ${Math.round(room)} of ${probe.offsetWidth}px`);
      }
    }
  }
  probe.remove();
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) out.push("the page scrolls sideways");
  return out;
}"""

ONE_ROW = """() => {  // one row: some horizontal line crosses every part of the header
  const boxes = [...document.querySelectorAll("header.topbar > *")].filter((e) => e.checkVisibility())
    .map((e) => e.getBoundingClientRect());
  return Math.max(...boxes.map((box) => box.top)) < Math.min(...boxes.map((box) => box.bottom));
}"""

INSIDE = """([selector, container]) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const outer = document.querySelector(container).getBoundingClientRect();
  return box.width > 0 && box.top >= outer.top - 1 && box.bottom <= Math.min(outer.bottom, innerHeight) + 1
         && box.left >= outer.left - 1 && box.right <= Math.min(outer.right, innerWidth) + 1;
}"""


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_german_pages_fit_their_boxes(demo, login_page, daphne_server, width, height):
    base, pages, problems = daphne_server.url, {}, {}
    for who, path in main_pages(demo):
        if who not in pages:
            pages[who], _ = sign_in(login_page, who, "de")
            pages[who].set_viewport_size({"width": width, "height": height})
        page = pages[who]
        open_page(page, base + path)
        found = page.evaluate(OVERFLOWING)
        if width >= 1366 and not page.evaluate(ONE_ROW):
            found.append("the header has more than one row")
        if found:
            problems[f"{who} {path}"] = found
    page = pages["anna"]  # the card dialog, with its description editor open
    open_page(page, f"{base}/teams/{TEAM}/board/")
    page.click(f"#card-{demo['card'].pk} .tile-title")
    page.click("#card-dialog[open] [data-description-edit]")
    if found := page.evaluate(OVERFLOWING):
        problems["card dialog"] = found
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)])
def test_german_chat_edit_form_and_column_menu_stay_in_sight(demo, login_page, daphne_server, width, height):
    # The chat's edit form (opened on the newest message, at the bottom) shows its Save button.
    base = daphne_server.url
    page, _ = sign_in(login_page, "david", "de")
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, f"{base}/teams/{TEAM}/channels/{demo['channel'].pk}/")
    page.locator(".msg .edit").last.click()
    save = page.locator("form.edit-form button.primary")
    assert save.text_content() == "Speichern"
    assert page.evaluate(INSIDE, ["form.edit-form button.primary", ".stream"])

    # An over-limit column keeps its ⋯ menu on the row of its name (the warning goes below).
    open_page(page, f"{base}/teams/{TEAM}/board/")
    head = f"#column-{demo['column'].pk} .column-head"
    page.wait_for_selector(f"#column-{demo['column'].pk}.over-limit")
    name, menu = (page.locator(f"{head} {part}").bounding_box() for part in (".column-name", ".column-menu summary"))
    assert abs(name["y"] - menu["y"]) < name["height"] / 2, (name, menu)


def test_tile_due_dates_read_like_the_dialog_also_when_drawn_live(demo, login_page, daphne_server):
    """German: "18. Dezember 2026" on the tile and in the dialog, never "2026-12-18"."""
    team, card = demo["team"], demo["card"]
    due = datetime.date(2026, 12, 18)
    Card.objects.filter(pk=card.pk).update(due_date=due)
    page, _ = sign_in(login_page, "david", "de")
    open_page(page, f"{daphne_server.url}/teams/{team.slug}/board/")
    tile_due = page.locator(f"#card-{card.pk} .due")
    assert tile_due.inner_text().split("\n")[-1].strip().endswith("18. Dezember 2026")
    page.click(f"#card-{card.pk} .tile-title")
    page.wait_for_selector("#card-dialog[open]")
    assert "18. Dezember 2026" in page.locator("#card-dialog .inline-facts").inner_text()
    page.keyboard.press("Escape")

    # A new due date saved in the dialog: board.js draws the tile from the event, in the same words.
    page.click(f"#card-{card.pk} .tile-title")
    page.fill("#card-dialog input[name=due_date]", "2027-03-05")
    page.press("#card-dialog input[name=due_date]", "Enter")
    page.wait_for_function(f"() => document.querySelector('#card-{card.pk} .due').textContent.includes('2027')")
    assert tile_due.text_content().strip().endswith("5. März 2027")
