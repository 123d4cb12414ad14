"""The migration that seals robots' secrets seals those stored before it (issue 28).

It migrates the test database back and forth, so it runs as a transactional
test, which empties the database when it ends (the role groups and phases the
migrations seeded go with it): marked ``serial``, it runs alone after the
parallel run (``make test``, .ci/run).
"""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from guatu.notify.models import Robot
from guatu.notify.sealed import PREFIX
from guatu.org.models import City
from tests.security.test_robot_secrets import SECRET, stored

pytestmark = pytest.mark.serial


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_seals_the_secrets_stored_before_it(settings):
    settings.GUATU_DATA_KEY = "the-production-data-key"
    executor = MigrationExecutor(connection)
    before = [("notify", "0001_initial")]
    latest = [key for key in executor.loader.graph.leaf_nodes() if key[0] == "notify"]
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        # Only notify went back: the city table is at its latest, so today's model writes it.
        city = City.everywhere.create(name="测试市", code="330000")
        old.get_model("notify", "Robot").objects.create(
            city_id=city.pk, office=True, kind="dingtalk", name="群", secret=SECRET,
            webhook="https://oapi.dingtalk.com/robot/send?access_token=a",
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM notify_robot")
            assert cursor.fetchone()[0] == SECRET
    finally:
        MigrationExecutor(connection).migrate(latest)
    robot = Robot.objects.get()
    assert stored(robot).startswith(PREFIX) and robot.secret == SECRET
    assert json.dumps(stored(robot)).count(SECRET[3:20]) == 0
