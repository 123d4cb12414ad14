"""A request sees one city: every city-owned table is filtered by the city in scope.

Cities share one deployment but nothing else (issue 29). Rather than trusting
some hundred queries each to remember ``city=…``, each city-owned model's
default manager filters by the city (or cities) in scope for the running
request: a signed-in user's own city, set by ``org.middleware`` and by the
API's token authentication. So a page, an API operation, a form's drop-down,
``get_object_or_404`` and a related manager all see that city only, and an id
of another city answers 404 like an id that does not exist — nothing of the
other city is disclosed, not even that it exists.

Outside a request (commands, the worker, migrations, tests calling services
directly) no scope is active and the managers see every city; commands that act
on one city enter ``scoped_to`` themselves. ``Model.everywhere`` is the
unfiltered manager, for the few reads that must cross cities on purpose (token
and session authentication, unique names across the deployment, the operator's
backup).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

__all__ = [
    "CityScoped",
    "CityScopedManager",
    "UnscopedManager",
    "active_city_ids",
    "enter_scope",
    "leave_scope",
    "scoped_to",
]

#: The ids of the cities the running request may see; None: no scope (everything).
_city_ids: ContextVar[tuple[int, ...] | None] = ContextVar("guatu_city_ids", default=None)


def active_city_ids() -> tuple[int, ...] | None:
    """The cities in scope, or None outside any scope."""
    return _city_ids.get()


def enter_scope(city_ids: Iterable[int] | None):
    """Scope the rest of this context to *city_ids* (an empty list sees nothing).

    Returns the token to ``leave_scope`` with; the middleware that opened the
    request's scope resets it when the request ends, so the API's token
    authentication can narrow it mid-request without keeping a token.
    """
    return _city_ids.set(None if city_ids is None else tuple(city_ids))


def leave_scope(token) -> None:
    _city_ids.reset(token)


@contextmanager
def scoped_to(city_ids: Iterable[int] | None) -> Iterator[None]:
    token = enter_scope(city_ids)
    try:
        yield
    finally:
        leave_scope(token)


class CityScoped:
    """Mix into a manager: it sees only the cities in scope.

    *path* is the lookup from the model to its city's id (``"city"``,
    ``"project__city"``, ``"pk"`` for the city itself); Django builds related
    managers from this class without one.
    """

    def __init__(self, path: str | None = None, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.city_path = path

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        city_ids = _city_ids.get()
        # A related manager (``project.work_items``) is built without a path: its
        # rows hang from an object already read in scope, and need no second join.
        if city_ids is None or self.city_path is None:
            return queryset
        if len(city_ids) == 1:
            return queryset.filter(**{self.city_path: city_ids[0]})
        return queryset.filter(**{f"{self.city_path}__in": city_ids})


class CityScopedManager(CityScoped, models.Manager):
    """The default manager of a city-owned model."""


class UnscopedManager(models.Manager):
    """``Model.everywhere``: every city's rows, for reads that cross cities on purpose."""
