"""Shared fixtures: people in every role, teams made through the services, and real
servers (a daphne process, a Celery worker, Debian's chromium) for the tests that need them."""
import atexit
import contextlib
import datetime
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from teams import membership as membership_services
from teams import services
from teams.models import FieldOfAction, Membership, Profile, StrategicGoal
from teams.people.models import Organisation
from teams.privacy.models import Acknowledgement
from teams.privacy.notices import privacy_version
from teams.search.indexing import people_indexed_once
from tests.mail_server import Inbox
from tests.matrix import PEOPLE
from tests.server_logs import log_problems, open_server_log, server_logs

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_ALL_SUITES") == "1"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config):
    config.addinivalue_line("markers", "server_log_allows(*patterns): records (regular expressions) a test "
                                       "expects in the logs of the servers it starts, e.g. after killing Redis")
    config.addinivalue_line("markers", "live: starts a real server (daphne, chromium); set on every test that uses "
                                       "one of LIVE_FIXTURES")
    config.addinivalue_line("markers", "fuzz: hypothesis runs of many examples")


LIVE_FIXTURES = {"daphne_server", "chromium", "strict_daphne", "two_daphnes", "celery_worker", "gated_worker"}


def pytest_collection_modifyitems(items):
    """`make test-fast` leaves out what starts real servers: marked here, so that no test can forget it."""
    for item in items:
        if LIVE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.live)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """PostgreSQL's connection pool keeps connections open: close it before the test database is dropped.
    Connections are per thread: asgiref's thread for sync code called from async tests (sync_to_async,
    database_sync_to_async) holds one from the pool too, which closing the pool leaves open (it is in use)."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
    for conn in connections.all(initialized_only=True):
        conn.close()
        if conn.vendor == "postgresql" and conn.pool:
            conn.close_pool()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def migrated_data(request):
    """Every database test starts with what the migrations load (master plan, cluster groups).
    A transactional test's flush empties those tables; instead of serialized_rollback (which
    breaks once Playwright's event loop has run in this thread) they are loaded again here."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("db")
    from tests.foundation_helpers import restore_migrated_data

    restore_migrated_data()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own channel-layer instance: channels_redis binds its locks to the
    event loop that first used them, and every async test runs in a new loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request in German leaves German active in this thread (LocaleMiddleware activates, nothing
    deactivates): later tests that call services directly would name things in German."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and presence live in the cache, keyed by user id; ids are reused
    after a flush, so every test starts with this run's cache entries gone."""
    from tests.discussion_helpers import clear_cache

    clear_cache()
    yield
    clear_cache()


def missing(reason):
    """A missing real part fails in CI (every suite must run there) and skips elsewhere."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def make_user(username, role=None, fields=(), acknowledged=True, **extra):
    """A person in `role`; `acknowledged`: they have read the current privacy notice (as everyone has after
    their first login), so their pages open at once (acknowledged=False: the first login's notice comes first)."""
    with people_indexed_once():  # as the product creates a person: login and profile, indexed once
        user = get_user_model().objects.create_user(
            username=username, password="pw", first_name=username.capitalize(), last_name="Tester",
            email=f"{username}@example.org", **extra)
        organisation, _ = Organisation.objects.get_or_create(name="Test org")
        profile = Profile.objects.create(user=user, organisation=organisation)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if fields:
        profile.fields_of_action.set(FieldOfAction.objects.filter(code__in=fields))
    if acknowledged and (version := privacy_version()):
        Acknowledgement.objects.create(user=user, version=version)
    return user


@pytest.fixture
def people(db):
    """One person per role relevant to a team in the LST field (tests/matrix.py: who they are, what they may do)."""
    with people_indexed_once():  # all of them in one write to the search index
        return {role: make_user(name, cluster_role, fields) for role, (name, cluster_role, fields) in PEOPLE.items()}


def team_data(**overrides):
    today = timezone.localdate()
    data = dict(name="Data Spaces", purpose="Shared data spaces for hospitals.",
                goals=list(StrategicGoal.objects.filter(code__in=["3a", "3b"])),
                fields_of_action=list(FieldOfAction.objects.filter(code="LST")),
                start_date=today - datetime.timedelta(days=10), end_date=today + datetime.timedelta(days=100))
    data.update(overrides)
    return data


@pytest.fixture
def make_team(people):
    """A running LST team with a lead, an expert, an observer and a supporter."""
    def make(**overrides):
        team = services.launch_new_team(people["manager"], lead=people["lead"], supporters=[people["supporter"]],
                                        **team_data(**overrides))
        membership_services.enrol_member(people["manager"], team, user=people["expert"], role=Membership.Role.EXPERT)
        membership_services.enrol_member(people["manager"], team, user=people["observer"],
                                          role=Membership.Role.OBSERVER)
        team.refresh_from_db()
        return team
    return make


@pytest.fixture
def team(make_team):
    return make_team()


# Real servers ----------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def server_logs_are_clean(request):
    """A traceback or ERROR record in the log of a server the test started fails the test, unless the
    test expects it (@pytest.mark.server_log_allows): a traceback in a server log is a defect even when
    the test passes. Autouse, so set up before the server fixtures and checked after they stopped."""
    server_logs.clear()
    yield
    allowed = [pattern for marker in request.node.iter_markers("server_log_allows") for pattern in marker.args]
    found = [f"{path.name}:\n{record}" for path in server_logs if path.exists()
             for record in log_problems(path, allowed)]
    server_logs.clear()
    if found:
        pytest.fail("unexpected errors in server logs:\n\n" + "\n\n".join(found[:5]), pytrace=False)

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=30):
    """Poll until the server accepts connections (or died): synchronisation, not a sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start in {timeout}s")


def server_env():
    """The environment for a server process that must see this test's database."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="workspace.settings", PYTHONPATH=str(ROOT))
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(db["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = (f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                               f"{db['NAME']}")
    return env


def stop_process(process, grace):
    """Terminate; kill what has not exited after `grace` seconds. Always waited for: no zombie, no port held."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server; Django here (and servers started with `inbox.env`) send their mail to it."""
    inbox = Inbox(free_port()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    inbox.stop()


@pytest.fixture
def redis_and_postgres():
    """The scaled-out stack (Redis, PostgreSQL) that the integration tests with real processes need."""
    if not settings.REDIS_URL:
        missing("REDIS_URL is not set: this test needs Redis")
    if connection.vendor != "postgresql":
        missing("DATABASE_URL is not PostgreSQL: this test needs it")


@functools.cache
def collected_static() -> dict:
    """Production's static files (hashed names, compressed: settings.STATIC_MANIFEST), collected once per test
    process into a directory of its own: the servers the tests start serve them, as a deployment does, while
    the test process itself renders with the plain storage (no collectstatic before every unit test)."""
    root = tempfile.mkdtemp(prefix="static-", dir=ROOT / "var")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    env = {"STATIC_MANIFEST": "1", "STATIC_ROOT": root}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env={**os.environ, **env}, check=True)
    return env


class Daphne:
    def __init__(self, extra_env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log = open_server_log(ROOT / "var" / f"daphne-{self.port}.log")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "realtime.server", "-b", "127.0.0.1", "-p", str(self.port),
             "workspace.asgi:application"],
            cwd=ROOT, env={**server_env(), **collected_static(), "SITE_URL": self.url,  # its mails link to it
                           **(extra_env or {})},
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)

    def stop(self):
        stop_process(self.process, grace=10)  # daphne can hang on SIGTERM with a request in flight
        self.log.close()


@pytest.fixture
def daphne_server(transactional_db):
    connection.close()  # let the server open the database itself
    server = Daphne()
    yield server
    server.stop()


@contextlib.contextmanager
def celery_worker_process(*options, log, env=None):
    """A real Celery worker (its main process) on this run's queue and this test's database."""
    from teams.review.reports import queue_options

    connection.close()  # let the worker open the database itself
    with open_server_log(log) as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "workspace", "worker", *options,
             "-Q", queue_options()["queue"], "--without-heartbeat", "--without-mingle", "--without-gossip",
             "--loglevel", "INFO"],
            cwd=ROOT, env={**server_env(), **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            stop_process(process, grace=20)  # a job in flight may take a while to finish


@pytest.fixture(scope="module")
def chromium():
    """Module-scoped: Playwright's sync API runs an event loop in this thread while it is
    started, which async tests (consumers) cannot share; it stops with the module."""
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        missing(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in this thread the tests' own ORM calls are still plain
    # synchronous code, so Django's async-context guard is lifted for the module only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-quic", "--no-first-run"])
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def closes_connections(transactional_db):
    """Under Playwright the test holds its own connection object: close it, so the test DB can be dropped."""
    yield
    from django.db import connections

    connections.close_all()


@pytest.fixture
def login_page(chromium, daphne_server):
    """Open a fresh browser context logged in as the given user (password "pw"; the demo's is "demo")."""
    contexts = []

    def login(user, language="en", password="pw", timezone_id=None, **context_options):
        # timezone_id: the browser's zone (default: the machine's)
        context = chromium.new_context(locale=language, timezone_id=timezone_id,
                                       viewport={"width": 1280, "height": 900}, **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{daphne_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{daphne_server.url}/my/")
        return page

    yield login
    for context in contexts:
        context.close()
