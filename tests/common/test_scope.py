"""One city in scope: every city-owned table shows that city only, by construction."""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from guatu.accounts.models import Role
from guatu.accounts.services import user_create
from guatu.audit.models import AuditEntry
from guatu.common.scope import CityScoped, scoped_to
from guatu.org.models import City, Department, Town
from guatu.progress.services import blocker_open
from guatu.projects.models import Project, WorkItem

pytestmark = pytest.mark.django_db

#: Tables of the deployment rather than of a city, each with its reason.
SHARED = {
    "projects.Phase": "the phases (前期, 建设 …) are one list for every city",
    "ops.WorkerHeartbeat": "the worker serves every city",
    "accounts.ThrottleCount": "the API's rate limits count callers (a token's prefix, a user,"
    " an address), never a city's data",
}


def _guatu_models():
    for model in apps.get_models():
        if model.__module__.startswith("guatu.") and not model._meta.abstract:
            yield model


def test_every_table_of_a_city_is_scoped_or_listed_as_shared():
    unscoped = [
        model._meta.label
        for model in _guatu_models()
        if not isinstance(model._default_manager, CityScoped) and model._meta.label not in SHARED
    ]
    assert not unscoped, f"city-owned models without a CityScopedManager: {unscoped}"
    for model in _guatu_models():
        if isinstance(model._default_manager, CityScoped):
            assert model._default_manager.city_path, model
            assert hasattr(model, "everywhere"), model


def _city(name: str, code: str):
    city = City.objects.create(name=name, code=code)
    town = Town.objects.create(city=city, name="城关镇")  # the same name in both cities
    department = Department.objects.create(city=city, name="交通运输局", short_name="交通局")
    project = Project.objects.create(
        city=city,
        code="G1",
        name=f"{name}大道",
        start_date=date(2026, 1, 5),
        owner_department=department,
    )
    WorkItem.objects.create(
        project=project, code="1", name="征迁", town=town, owner_department=department
    )
    return city, project


def test_a_scope_sees_its_city_and_an_empty_scope_sees_nothing():
    _a, project_a = _city("甲市", "330001")
    b, project_b = _city("乙市", "330002")
    with scoped_to((b.pk,)):
        assert list(Project.objects.all()) == [project_b]
        assert list(City.objects.all()) == [b]
        assert Department.objects.get(name="交通运输局").city == b  # one, not two
        assert WorkItem.objects.filter(project__code="G1").get().project == project_b
        assert not Project.objects.filter(pk=project_a.pk).exists()
        # A related manager of an object read in scope works without a second filter.
        assert project_b.work_items.count() == 1
        assert Project.everywhere.count() == 2  # on purpose, across cities
    with scoped_to(()):
        assert not Project.objects.exists() and not City.objects.exists()
    with scoped_to(None):
        assert Project.objects.count() == 2


def test_a_request_sees_its_users_city_and_another_citys_project_is_not_there():
    _a, project_a = _city("甲市", "330001")
    b, project_b = _city("乙市", "330002")
    office_b = user_create(username="duchaban_b", password="pw-b-12345", role=Role.SUPERVISOR)
    office_b.city = b
    office_b.save()
    client = Client()
    client.force_login(office_b)
    assert client.get(f"/projects/{project_b.code}/").status_code == 200
    listing = client.get("/projects/").content.decode()
    assert "乙市大道" in listing and "甲市大道" not in listing
    item_a = project_a.work_items.get()
    assert client.get(f"/items/{item_a.pk}/").status_code == 404
    answer = client.get(f"/api/v1/items/{item_a.pk}")
    assert answer.status_code == 404
    # The 404 is in the audit log as a refusal, so the office sees ids being walked.
    assert AuditEntry.objects.filter(user=office_b, action="not_found", allowed=False).count() == 2


def test_a_user_without_a_city_sees_nothing():
    _a, _project = _city("甲市", "330001")
    _city("乙市", "330002")
    leader = user_create(username="nowhere", password="pw-nowhere-1", role=Role.LEADER)
    assert leader.city is None  # two cities: nobody is put in one by guess
    client = Client()
    client.force_login(leader)
    assert "甲市大道" not in client.get("/projects/").content.decode()
    assert client.get("/projects/G1/").status_code == 404


def _form_classes():
    import guatu

    for module in pkgutil.walk_packages(guatu.__path__, "guatu."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "admin"):
            importlib.import_module(module.name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.startswith("guatu.")]


def test_no_form_holds_a_city_queryset_made_at_import():
    """A queryset made when the module is imported was read with no city in scope and
    offers every city's rows (the blocker form listed another city's departments):
    forms start from ``.none()`` and set the choices per form, in the request."""
    offending = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in getattr(cls, "base_fields", {}).items()
        # The admin builds a model form's own fields anew for each request.
        if not (cls.__module__.endswith(".admin") and name not in cls.declared_fields)
        and isinstance(field, forms.ModelChoiceField)
        and isinstance(field.queryset.model._default_manager, CityScoped)
        and not field.queryset.query.is_empty()
    ]
    assert not offending, offending


def test_a_blocker_cannot_be_owned_by_another_citys_department():
    _a, project_a = _city("甲市", "330001")
    b, _project_b = _city("乙市", "330002")
    item_a = project_a.work_items.get()
    office = user_create(username="duchaban", password="pw-duchaban-1", role=Role.SUPERVISOR)
    with pytest.raises(ValidationError) as refused:
        blocker_open(
            actor=office,
            work_item=item_a,
            description="3户未签约",
            owner_department=Department.objects.get(city=b),
            responsible_person="王五",
            opened_on=date(2026, 1, 5),
            due_on=date(2026, 1, 9),
        )
    assert "owner_department" in refused.value.message_dict


def test_a_command_names_its_city_where_there_are_several(tmp_path):
    _city("甲市", "330001")
    _city("乙市", "330002")
    target = tmp_path / "ledger.xlsx"
    with pytest.raises(CommandError, match="--city"):
        call_command("ledger", "export", str(target))
    with pytest.raises(CommandError, match="丙市"):
        call_command("ledger", "export", str(target), "--city", "丙市")
    call_command("ledger", "export", str(target), "--city", "330002")
    text = " ".join(
        str(value)
        for sheet in load_workbook(target).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value
    )
    assert "乙市大道" in text and "甲市大道" not in text
