"""A public snapshot laid out: its page (HTML), its workbook (Excel) and the city's feed
(Atom). Each reads the snapshot's stored content only — what was published, as it was —
and is written in the city's language (the caller holds ``translation.override``)."""

import io
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guatu.common.spreadsheet import book_properties, write_sheet
from guatu.public.items import APPROVAL, PROGRESS, START
from guatu.public.models import Snapshot

__all__ = ["archive", "feed_xml", "snapshot_html", "snapshot_xlsx", "title_of"]


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    version: int
    url: str

    @property
    def label(self) -> str:
        return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.month}


def title_of(content: dict) -> str:
    return _("%(city)s key construction projects: information of %(year)s-%(month)02d") % {
        "city": content["city"]["name"],
        "year": content["year"],
        "month": content["month"],
    }


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def item_text(item: dict) -> str:
    """What an item says, in one line (the workbook, the feed)."""
    if item["kind"] == APPROVAL:
        return _("%(matter)s (approved by %(authority)s, %(number)s)") % item
    if item["kind"] == START:
        return _("Works started")
    year, month = item["month"].split("-")
    return _("Progress of %(year)s-%(month)s") % {"year": year, "month": month}


def _rows(content: dict, code: str) -> list[dict]:
    """The projects with dates as dates and each item's words, for the page."""
    rows = []
    for project in content["projects"]:
        photo = project.get("photo")
        rows.append(
            {
                **project,
                "planned_start": _day(project["planned_start"]),
                "planned_completion": _day(project["planned_completion"]),
                "started": _day(project["started"]),
                "photo_url": reverse(
                    "public:photo",
                    args=[code, content["year"], content["month"], photo],
                )
                if photo
                else "",
                "items": [
                    {
                        **item,
                        "arose": _day(item["arose"]),
                        "published": _day(item["published"]),
                        "text": "" if item["kind"] == APPROVAL else item_text(item),
                    }
                    for item in project["items"]
                ],
            }
        )
    return rows


def archive(city_id: int, code: str) -> list[Month]:
    """Every month the city published, newest first, each at its latest version."""
    latest: dict[tuple[int, int], int] = {}
    for year, month, version in Snapshot.everywhere.filter(city_id=city_id).values_list(
        "year", "month", "version"
    ):
        latest[(year, month)] = max(version, latest.get((year, month), 0))
    return [
        Month(year, month, version, reverse("public:month", args=[code, year, month]))
        for (year, month), version in sorted(latest.items(), reverse=True)
    ]


def snapshot_html(snapshot: Snapshot, *, months: list[Month], root: bool = False) -> str:
    content, code = snapshot.content, snapshot.city.code
    return render_to_string(
        "public/snapshot.html",
        {
            "title": title_of(content),
            "content": content,
            "issuer": content["city"]["issuer"],
            "as_of": _day(content["as_of"]),
            "published_on": _day(content["published_on"]),
            "projects": _rows(content, code),
            "months": months,
            "code": code,
            "root": root,
            "PROGRESS": PROGRESS,
            "APPROVAL": APPROVAL,
            "xlsx_url": reverse("public:xlsx", args=[code, snapshot.year, snapshot.month]),
            "feed_url": reverse("public:feed", args=[code]),
            "city_url": reverse("public:city", args=[code]),
        },
    )


def cities_html(cities: list[tuple[str, str, Month]]) -> str:
    """The deployment's root with several cities publishing: one line each."""
    return render_to_string("public/cities.html", {"cities": cities})


def snapshot_xlsx(snapshot: Snapshot) -> bytes:
    content = snapshot.content
    book = Workbook(write_only=True)
    heading = title_of(content)
    book_properties(book, creator=content["city"]["issuer"], title=heading)
    note = _("As of %(as_of)s, published %(published)s (version %(version)s)") % {
        "as_of": content["as_of"],
        "published": content["published_on"],
        "version": content["version"],
    }
    projects = content["projects"]
    write_sheet(
        book,
        _("Projects"),
        f"{heading} {note}",
        [
            _("项目代码"),
            _("Project name"),
            _("建设单位"),
            _("Planned start of works"),
            _("Planned completion"),
            _("Works started on"),
            _("Planned progress (%)"),
            _("Actual progress (%)"),
            _("形象进度"),
        ],
        [
            [
                p["project_code"],
                p["name"],
                p["builder"],
                _day(p["planned_start"]),
                _day(p["planned_completion"]),
                _day(p["started"]),
                p["progress"]["planned"] if p["progress"] else None,
                p["progress"]["actual"] if p["progress"] else None,
                p["words"],
            ]
            for p in projects
        ],
    )
    write_sheet(
        book,
        _("Information items"),
        f"{heading} {note}",
        [
            _("项目代码"),
            _("Project name"),
            _("Information"),
            _("批准机关"),
            _("批准文号"),
            _("Arose on"),
            _("Published on"),
        ],
        [
            [
                p["project_code"],
                p["name"],
                item["matter"] if item["kind"] == APPROVAL else item_text(item),
                item.get("authority", ""),
                item.get("number", ""),
                _day(item["arose"]),
                _day(item["published"]),
            ]
            for p in projects
            for item in p["items"]
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def feed_xml(snapshots: list[Snapshot], *, absolute, city_name: str, issuer: str, code: str):
    """The city's Atom feed: one entry a published month (its latest version), newest first.

    *absolute* makes a path a full address (the request's own scheme and host)."""
    feed = Atom1Feed(
        title=_("%(city)s key construction projects: public information") % {"city": city_name},
        link=absolute(reverse("public:city", args=[code])),
        description=_("Published by %(issuer)s") % {"issuer": issuer},
        language="zh-hans",
        feed_url=absolute(reverse("public:feed", args=[code])),
        author_name=issuer,
    )
    for snapshot in snapshots:
        content = snapshot.content
        link = absolute(reverse("public:month", args=[code, snapshot.year, snapshot.month]))
        lines = [
            f"{p['name']}（{p['project_code'] or '—'}）："
            + "；".join(item_text(item) for item in p["items"])
            for p in content["projects"]
        ]
        feed.add_item(
            title=title_of(content) + _(" (version %(version)s)") % {"version": snapshot.version},
            link=link,
            description="\n".join(lines),
            unique_id=f"{link}#v{snapshot.version}",
            updateddate=snapshot.published_at,
            pubdate=snapshot.published_at,
            author_name=issuer,
        )
    return feed.writeString("utf-8").encode()
