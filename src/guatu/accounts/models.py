"""A user has exactly one role; town and department users are tied to theirs."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScoped, CityScopedManager, UnscopedManager

#: Characters of a token kept in clear, to tell tokens apart in the admin.
PREFIX_LENGTH = 8


class Role(models.TextChoices):
    LEADER = "leader", _("city leader (市领导)")
    SUPERVISOR = "supervisor", _("supervision office (督查办)")
    DEPARTMENT = "department", _("department (部门)")
    TOWN = "town", _("town (镇街区)")
    ADMIN = "admin", _("system administrator (系统管理员)")


class CityUserManager(CityScoped, UserManager):
    """Users of the cities in scope; creating users works as Django's own manager."""


class User(AbstractUser):
    """A person who signs in. ``full_name`` holds a Chinese name as written.

    Every user but a deployment's operator (a superuser) belongs to one city and
    sees that city only (``common.scope``); a town or department official's city
    is their town's or department's.
    """

    city = models.ForeignKey(
        "org.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.LEADER)
    town = models.ForeignKey(
        "org.Town",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    mobile = models.CharField(
        _("mobile phone (手机号)"),
        max_length=11,
        blank=True,
        validators=[
            RegexValidator(
                r"^1[3-9][0-9]{9}$", _("expected an 11-digit mobile number such as 13800000000.")
            )
        ],
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for a first password handed out by the city's setup: changed at sign-in."),
    )

    objects = CityUserManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A town user without a town, or a department user without a
            # department, could report on nothing or on everything; neither
            # is a state worth allowing.
            models.CheckConstraint(
                condition=~Q(role=Role.TOWN) | Q(town__isnull=False),
                name="accounts_user_town_role_has_town",
                violation_error_message=_("A town user must belong to a town."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.DEPARTMENT) | Q(department__isnull=False),
                name="accounts_user_department_role_has_department",
                violation_error_message=_("A department user must belong to a department."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        """The person's name as written (``full_name``; Django's first and last name
        otherwise); empty when none was given. What people are shown by, never a login."""
        return self.full_name or super().get_full_name()

    def get_short_name(self) -> str:
        """The name the admin greets by: the full name, as Chinese names are not split."""
        return self.full_name or super().get_short_name()

    def save(self, *args, **kwargs) -> None:
        # The town or department decides the city; a deployment with one city
        # puts everyone else in it, as before cities were many.
        if self.town_id is not None:
            self.city_id = self.town.city_id
        elif self.department_id is not None:
            self.city_id = self.department.city_id
        elif self.city_id is None and not self.is_superuser:
            self.city_id = _the_only_city_id()
        super().save(*args, **kwargs)


def _the_only_city_id() -> int | None:
    ids = list(apps.get_model("org", "City").everywhere.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = CityScopedManager("user__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"


class ThrottleCount(models.Model):
    """One caller's requests in the current window of a rate limit (``guatu.api.throttle``).

    A row a caller, counted by one statement (insert, or add one, or start the new
    window): the database cache it replaces took five queries, one of them a count
    of the whole cache, on every API call. Deployment-wide, like the callers it
    counts (a token's prefix, a user, an address): no city's data.
    """

    key = models.CharField(_("caller"), max_length=160, primary_key=True)
    period = models.BigIntegerField(_("window"))
    count = models.PositiveIntegerField(_("requests"))

    class Meta:
        verbose_name = _("rate-limit count")
        verbose_name_plural = _("rate-limit counts")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
