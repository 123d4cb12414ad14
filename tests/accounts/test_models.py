import pytest
from django.db import IntegrityError, transaction

from guatu.accounts.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.TOWN, Role.DEPARTMENT])
def test_town_and_department_users_must_belong_somewhere(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nobody", role=role)


def test_every_role_of_the_design_exists(users):
    assert {user.role for user in users.values()} == {
        "leader",
        "supervisor",
        "department",
        "town",
        "admin",
    }
    assert users["admin"].is_superuser and users["supervisor"].is_staff
    assert not users["town"].is_staff
