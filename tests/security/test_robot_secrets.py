"""Robots' 加签 secrets sealed at rest with a key from the environment (issue 28, backups).

The secrets were stored in plain text, so every copy of the database — dumps and
backups too — held them. Now the column holds ``sealed:`` and a Fernet token
made with GUATU_DATA_KEY (or a key derived from SECRET_KEY while it is unset);
the server opens it only to sign; a wrong key neither breaks a page nor
overwrites what it cannot read; the migration seals what was stored before.
"""

import importlib
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test import Client

from guatu.notify.delivery import deliver_due
from guatu.notify.models import Delivery, Kind, Robot
from guatu.notify.sealed import PREFIX, Unreadable, seal, unseal
from guatu.notify.services import notify, robot_secrets_reseal
from tests.notify.robots import Platform
from tests.notify.test_delivery import NOON

SECRET = "SECd0c7a1b2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1"


def stored(robot: Robot) -> str:
    """The secret's column as the database has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notify_robot WHERE id = %s", [robot.pk])
        return cursor.fetchone()[0]


def office_client(users) -> Client:
    c = Client()
    c.force_login(users["supervisor"])
    return c


def add_robot(users, towns, secret=SECRET) -> Robot:
    answer = office_client(users).post(
        "/notify/",
        {"action": "robot", "unit": f"town:{towns['石柱镇'].pk}", "kind": "dingtalk",
         "name": "石柱镇工作群", "webhook": "https://oapi.dingtalk.com/robot/send?access_token=a",
         "secret": secret},
    )  # fmt: skip
    assert answer.status_code == 302
    return Robot.objects.get()


@pytest.mark.django_db
def test_the_database_and_its_dumps_hold_only_ciphertext(users, towns, settings):
    settings.GUATU_DATA_KEY = "a-long-random-data-key-kept-apart-from-the-backups"
    robot = add_robot(users, towns)
    raw = stored(robot)
    assert raw.startswith(PREFIX) and SECRET not in raw and SECRET[3:20] not in raw
    assert Robot.objects.get().secret == SECRET  # the server opens it
    out = StringIO()
    call_command("dumpdata", "notify.robot", stdout=out)
    dump = out.getvalue()
    assert SECRET[3:20] not in dump and PREFIX in dump
    # A dump loads back to the same secret.
    (loaded,) = serializers.deserialize("json", dump)
    assert loaded.object.secret == SECRET
    # No page shows it, nor its ciphertext.
    page = office_client(users).get("/notify/").content.decode()
    assert SECRET[:-4] not in page and PREFIX not in page and f"••••{SECRET[-4:]}" in page


@pytest.mark.django_db
def test_messages_are_signed_with_the_sealed_secret(city, towns, settings):
    settings.GUATU_DATA_KEY = "another-long-random-data-key"
    with Platform({"jt": SECRET}) as ding:
        Robot.objects.create(
            city=city, town=towns["石柱镇"], kind="dingtalk", name="群",
            webhook=f"{ding.base}/robot/send?access_token=jt", secret=SECRET,
        )  # fmt: skip
        notify(
            city=city, kind=Kind.ESCALATION, event="escalation:1", title="督办单", body="请办结。",
            towns=[towns["石柱镇"]],
        )  # fmt: skip
        assert deliver_due(now=NOON)["sent"] == 1
    assert len(ding.received) == 1


@pytest.mark.django_db
def test_a_wrong_key_opens_nothing_breaks_nothing_and_overwrites_nothing(
    users, towns, city, settings
):
    settings.GUATU_DATA_KEY = "the-key-it-was-sealed-with"
    robot = add_robot(users, towns)
    raw = stored(robot)
    settings.GUATU_DATA_KEY = "some-other-key"
    settings.SECRET_KEY = "and-another-secret-key-too-for-the-fallback"
    robot = Robot.objects.get()
    assert isinstance(robot.secret, Unreadable) and robot.secret == ""
    c = office_client(users)
    page = c.get("/notify/")
    assert page.status_code == 200 and "石柱镇工作群" in page.content.decode()
    # Pausing saves the robot: what was stored stays as it was.
    c.post(f"/notify/robots/{robot.pk}/", {"action": "toggle"})
    c.post(f"/notify/robots/{robot.pk}/", {"action": "toggle"})
    assert stored(robot) == raw and Robot.objects.get().enabled
    # A message to it fails and says why; nothing unsigned goes out.
    notify(
        city=city, kind=Kind.ESCALATION, event="escalation:1", title="督办单", body="请办结。",
        towns=[towns["石柱镇"]],
    )  # fmt: skip
    assert deliver_due(now=NOON)["failed"] == 1
    assert "GUATU_DATA_KEY" in Delivery.objects.get().last_error
    settings.GUATU_DATA_KEY = "the-key-it-was-sealed-with"
    assert Robot.objects.get().secret == SECRET


@pytest.mark.django_db
def test_a_change_of_key_new_first_then_reseal(users, towns, settings):
    settings.GUATU_DATA_KEY = "old-key-old-key-old-key"
    add_robot(users, towns)
    settings.GUATU_DATA_KEY = "new-key-new-key-new-key,old-key-old-key-old-key"
    assert Robot.objects.get().secret == SECRET
    assert robot_secrets_reseal() == (1, 0)
    settings.GUATU_DATA_KEY = "new-key-new-key-new-key"
    assert Robot.objects.get().secret == SECRET


def test_sealing_is_not_deterministic_and_plain_text_from_before_reads_as_it_is(settings):
    settings.GUATU_DATA_KEY = "k" * 40
    assert seal(SECRET) != seal(SECRET)
    assert unseal(seal(SECRET)) == SECRET
    assert unseal("SECstoredbeforesealing") == "SECstoredbeforesealing"
    assert seal("") == ""


def test_the_migration_is_the_one_that_seals():
    migration = importlib.import_module(
        "guatu.notify.migrations.0002_robot_secret_sealed_paused_reason"
    )
    (run,) = [op for op in migration.Migration.operations if hasattr(op, "code")]
    assert run.code is migration.seal_secrets and run.reverse_code is migration.open_secrets
