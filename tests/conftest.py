"""Shared fixtures: a small city with two towns, two departments and one user per role."""

import subprocess
import sys
from datetime import date

import pytest
from django.db import connection, transaction

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.demo.build import demo_build
from guatu.org.models import City, Department, Town, Village
from guatu.projects.models import Project, WorkItem
from guatu.projects.services import work_item_create
from tests.office import office


@pytest.fixture
def city(db) -> City:
    return City.objects.create(name="测试市", code="330000")


@pytest.fixture
def towns(city) -> dict[str, Town]:
    towns = {
        name: Town.objects.create(city=city, name=name, order=n)
        for n, name in enumerate(["石柱镇", "前仓镇"], start=1)
    }
    for town in towns.values():
        Village.objects.create(town=town, name=f"{town.name[:2]}一村")
    return towns


@pytest.fixture
def departments(city) -> dict[str, Department]:
    return {
        short: Department.objects.create(city=city, name=name, short_name=short)
        for name, short in [("市交通运输局", "交通局"), ("市自然资源和规划局", "自然资源局")]
    }


@pytest.fixture
def users(towns, departments):
    return {
        "leader": user_create(username="leader", password="pw-leader-1", role=Role.LEADER),
        "supervisor": user_create(
            username="supervisor", password="pw-supervisor-1", role=Role.SUPERVISOR
        ),
        "department": user_create(
            username="dept",
            password="pw-dept-1",
            role=Role.DEPARTMENT,
            department=departments["交通局"],
        ),
        "town": user_create(
            username="town", password="pw-town-1", role=Role.TOWN, town=towns["石柱镇"]
        ),
        "admin": user_create(username="admin", password="pw-admin-1", role=Role.ADMIN),
    }


@pytest.fixture
def project(city, departments) -> Project:
    return Project.objects.create(
        city=city,
        code="railway",
        name="金台铁路永康段",
        start_date=date(2016, 7, 1),
        deadline=date(2020, 6, 30),
        owner_department=departments["交通局"],
    )


@pytest.fixture
def make_item(project, towns):
    """Create a work item in ``project``; keyword arguments override the defaults."""

    def make(code: str, **fields) -> WorkItem:
        defaults = {
            "name": f"事项{code}",
            "duration_days": 10,
            "town": towns["石柱镇"],
        }
        return work_item_create(
            actor=office(), project=project, code=code, **{**defaults, **fields}
        )

    return make


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, _demo_rows):
    """The 永康 2019 scenario, built once per module in a transaction rolled back after it.

    On SQLite the scenario is built through the services once per process; each module
    then writes the very rows that build made (0.02 s instead of 4–6 s, in some 35
    modules) when the database holds what it held before that build. On PostgreSQL,
    or if the database differs, every module builds it."""
    with django_db_blocker.unblock(), transaction.atomic():
        if _demo_rows is not None and _demo_rows.fits():
            yield _demo_rows.write()
        else:
            yield demo_build()
        transaction.set_rollback(True)


class _DemoRows:
    """The rows ``demo_build`` adds to (and takes from) an SQLite database, as stored."""

    def __init__(self, summary, before: dict, built: dict):
        self.summary = summary
        self.counts = {table: len(rows) for table, (_columns, rows) in before.items()}
        self.added, self.removed = {}, {}
        for table, (columns, rows) in built.items():
            old = before.get(table, (columns, set()))[1]
            if rows - old:  # in rowid order
                self.added[table] = (columns, [row[1:] for row in sorted(rows - old)])
            if old - rows:
                self.removed[table] = [(row[0],) for row in old - rows]

    @staticmethod
    def read() -> dict[str, tuple[list[str], set[tuple]]]:
        """Every table's columns and rows (rowid first), as SQLite stores them: ``+col``
        skips the type converters, so the values go back in unchanged."""
        tables = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                columns = [
                    c.name for c in connection.introspection.get_table_description(cursor, table)
                ]
                values = ", ".join(f'+"{c}"' for c in columns)
                cursor.execute(f'SELECT rowid, {values} FROM "{table}"')
                tables[table] = (columns, set(cursor.fetchall()))
        return tables

    def fits(self) -> bool:
        """Whether every table holds as many rows as before the build (one query)."""
        tables = list(self.counts)
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))
            return dict(zip(tables, cursor.fetchone(), strict=True)) == self.counts

    def write(self):
        with connection.cursor() as cursor:
            for table, rowids in self.removed.items():
                cursor.executemany(f'DELETE FROM "{table}" WHERE rowid = %s', rowids)
            for table, (columns, rows) in self.added.items():
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        return self.summary


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker) -> _DemoRows | None:
    """On SQLite, build the scenario once (rolled back) and keep the rows it changed;
    checked here once: those rows written again give the same database, row for row."""
    if connection.vendor != "sqlite":
        return None
    with django_db_blocker.unblock():
        before = _DemoRows.read()
        with transaction.atomic():
            summary = demo_build()
            built = _DemoRows.read()
            transaction.set_rollback(True)
        rows = _DemoRows(summary, before, built)
        with transaction.atomic():
            rows.write()
            again = _DemoRows.read()
            transaction.set_rollback(True)
    assert again == built, "the demo's rows written again differ from the demo built"
    return rows


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttling counts live in the cache; no test inherits another's failures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# Parallel runs: `make test` and CI run `pytest -n auto` (pytest-xdist), and pyproject's
# addopts choose `--dist loadscope`: a worker runs whole modules, so a module-scoped
# ``demo`` is built once, not on every worker that gets one of its tests.


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope``, with all the browser tests as one scope: one worker starts the
    demo server and Chromium for them, not each worker. (``xdist_group`` with ``--dist
    loadgroup`` would say the same, but xdist 3.8 cannot tag pytest 9's node ids with it.)"""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "browser" if nodeid.startswith("tests/browser/") else nodeid.split("::")[0]

    return Scheduling(config, log)


#: The longest modules (a minute or more on one core), handed out first so that the
#: workers finish together instead of one of them starting a walk at the end.
LONGEST_FIRST = (
    "tests/security/test_region_isolation.py",
    "tests/security/test_city_isolation.py",
    "tests/browser/",
    "tests/ops/test_backup.py",
)


def _longest_first(item) -> int:
    for rank, prefix in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(LONGEST_FIRST)


def pytest_collection_modifyitems(items):
    """The tests under tests/browser carry the ``browser`` marker (``-m "not browser"``);
    the longest modules come first (a stable sort: each module's own order is kept)."""
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.browser)
    items.sort(key=_longest_first)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying the database (Django's flush), and with it what
    the migrations stored: the role groups, the default phases. Serially pytest-django runs
    such tests after all others; under ``--dist loadscope`` a worker goes on to other
    modules, so put that data back, as serialized when the test database was made."""
    result = yield
    if nextitem is not None and _is_transactional(item):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for connection_ in connections.all(initialized_only=True):
                contents = getattr(connection_, "_test_serialized_contents", None)
                if contents is None:
                    pytest.fail(
                        f"{item.nodeid} empties the database: mark it serialized_rollback=True"
                        " so that its data is serialized, and put back after it"
                    )
                connection_.creation.deserialize_db_from_string(contents)
    return result


def _is_transactional(item) -> bool:
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and any(validate_django_db(marker)[:2]))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def pytest_sessionstart(session):
    """On the xdist controller (not on its workers, nor in a serial run), compile the numba
    kernels into numba's on-disk cache in a child process while the workers start and
    collect; tests are handed out once it is done (below), so no worker compiles them."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    _warm_up.append(
        subprocess.Popen([sys.executable, "-m", "tests.numba_warm_up"], cwd=config.rootpath)
    )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """The controller schedules tests once every worker has collected: wait for the warm-up
    here. A failed warm-up is not fatal: a worker that needs a kernel compiles it."""
    for warm_up in _warm_up:
        if warm_up.wait() != 0:
            print(f"numba warm-up failed (exit {warm_up.returncode})", file=sys.stderr)
    _warm_up.clear()


_warm_up: list[subprocess.Popen] = []
