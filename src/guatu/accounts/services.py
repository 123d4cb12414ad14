"""Write paths for users."""

from django.contrib.auth.models import Group
from django.db import transaction

from guatu.accounts.models import Role, User
from guatu.accounts.roles import ROLE_PERMISSIONS, role_group_name


def user_create(
    *,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    role: str,
    full_name: str = "",
    town=None,
    department=None,
) -> User:
    """Create a user with one role; an admin is also a Django superuser.

    Give *password*, or a *password_hash* already made by ``make_password``
    (hashing is deliberately slow: a batch of users shares one hash).
    """
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        town=town,
        department=department,
        is_staff=role in (Role.ADMIN, Role.SUPERVISOR),
        is_superuser=role == Role.ADMIN,
    )
    if password_hash is not None:
        user.password = password_hash
    else:
        user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save(force_insert=True)
        if role in ROLE_PERMISSIONS:
            user.groups.add(Group.objects.get(name=role_group_name(role)))
    return user
