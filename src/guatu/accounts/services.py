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
    city=None,
    superuser: bool = False,
) -> User:
    """Create a user with one role in one city (their town's or department's if
    they have one). Only the deployment's operator is a *superuser*: a city's
    administrator manages that city through the admin role's group.

    Give *password*, or a *password_hash* already made by ``make_password``
    (hashing is deliberately slow: a batch of users shares one hash).
    """
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        town=town,
        department=department,
        city=city,
        is_staff=role in (Role.ADMIN, Role.SUPERVISOR),
        is_superuser=superuser,
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
