"""The public pages from Django's cache, keyed by what was last published.

Each city has a *head*: the id of its latest snapshot (0: none), kept in the cache and set
from the database when a publish commits. Every page is stored with the head it was drawn
at; a request reads the head and the page in one ``get_many`` (in production one read of
the cache table, none of guatu's own tables), and a page drawn before the last publish
does not match the head and is drawn again, once.

Where the shared cache is not in the worker's own memory already (production's cache
table), a worker also keeps the pages it served, and the heads it read, in its own: for
``HEAD_TTL`` seconds it trusts a head without asking the shared cache, so a page read again
costs no query at all. A publish in this worker shows at once (its heads are dropped here);
in the other workers within ``HEAD_TTL`` — well inside the minute a browser may keep the
page anyway (``Cache-Control: max-age=60``). The deployment's root page has a head of its
own (the latest snapshot of any city).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from hashlib import blake2b

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from guatu.org.models import City
from guatu.public.models import Snapshot

__all__ = ["HEAD_TTL", "ROOT", "Page", "forget", "head_key", "published", "served"]

#: The root page's head: the latest snapshot of the whole deployment.
ROOT = "*"
#: How long a page or a head may sit unread in the shared cache (a day); a publish
#: replaces the heads, and a page drawn at an older head is drawn again.
TIMEOUT = 24 * 3600
#: Seconds a worker trusts a head it read from the shared cache.
HEAD_TTL = 2.0
#: Pages a worker keeps in its own memory (the most recently served), and the largest kept.
LOCAL_PAGES = 256
LOCAL_LARGEST = 2 * 1024 * 1024


@dataclass(frozen=True)
class Page:
    head: int
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @cached_property
    def etag(self) -> str:
        return f'"{blake2b(self.body, digest_size=12).hexdigest()}"'


_lock = threading.Lock()
_heads: dict[str, tuple[float, int]] = {}  # head key → (when read, head)
_pages: OrderedDict[str, Page] = OrderedDict()  # page key → page, least recent first


def head_key(code: str) -> str:
    return f"guatu:public:head:{code}"


def _latest(code: str) -> int:
    """The head from the database: the latest snapshot of the city *code* (any: ``ROOT``)."""
    snapshots = Snapshot.everywhere.all()
    if code != ROOT:
        snapshots = snapshots.filter(city__code=code)
    return snapshots.order_by("-pk").values_list("pk", flat=True).first() or 0


def published(city: City) -> None:
    """After a publish commits: the city's and the root's heads from the database."""
    heads = {head_key(city.code): _latest(city.code), head_key(ROOT): _latest(ROOT)}
    cache.set_many(heads, TIMEOUT)
    with _lock:
        for key in heads:
            _heads.pop(key, None)


def forget() -> None:
    """Drop what this worker holds in memory (the shared cache keeps its own)."""
    with _lock:
        _heads.clear()
        _pages.clear()


def _keep(key_head: str, head: int, key_page: str, page: Page, now: float) -> None:
    with _lock:
        _heads[key_head] = (now, head)
        if len(page.body) <= LOCAL_LARGEST:
            _pages[key_page] = page
            _pages.move_to_end(key_page)
            while len(_pages) > LOCAL_PAGES:
                _pages.popitem(last=False)


def served(code: str, name: str, draw: Callable[[int], Page]) -> Page:
    """The page *name* of the city *code* (``ROOT``: the deployment's), drawn by *draw*
    (given the head) only when no cache holds it drawn at the current head."""
    key_head, key_page = head_key(code), f"guatu:public:page:{code}:{name}"
    now = time.monotonic()
    # A cache in this process's memory already (development, the tests) needs no copy.
    local = not isinstance(caches["default"], LocMemCache)
    held = _heads.get(key_head) if local else None
    if held is not None and now - held[0] < HEAD_TTL:
        page = _pages.get(key_page)
        if page is not None and page.head == held[1]:
            return page
    found = cache.get_many([key_head, key_page])
    head = found.get(key_head)
    if head is None:
        head = _latest(code)
        # Never over a head a publish has just set; and not for an address naming no city
        # that publishes (any digits would do): those would crowd the pages out.
        if head or code == ROOT:
            cache.add(key_head, head, TIMEOUT)
    page = found.get(key_page)
    if page is None or page.head != head:
        page = draw(head)
        cache.set(key_page, page, TIMEOUT)
    if local and (head or code == ROOT):
        _keep(key_head, head, key_page, page, now)
    return page
