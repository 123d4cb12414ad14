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
    # A city's administrator works through the admin role's group, never as a superuser
    # (a superuser sees and changes every city of the deployment).
    assert users["admin"].is_staff and not users["admin"].is_superuser
    assert users["admin"].groups.filter(name="role:admin").exists()
    assert users["supervisor"].is_staff
    assert not users["town"].is_staff
    assert {user.city for user in users.values()} == {users["town"].town.city}
