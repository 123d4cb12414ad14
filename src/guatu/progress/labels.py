"""The words for lights, their reasons and time-node flags, in the active language.

One place for them: the pages' badges, the bulletins and any later output
name a light or a reason the same way.
"""

from django.utils.translation import gettext as _


def light_label(light: str) -> str:
    return {
        "green": _("green"),
        "yellow": _("yellow"),
        "red": _("red"),
        "done": _("done"),
        "not_started": _("not started"),
    }.get(light, light)


def reason_label(reason: str) -> str:
    return {
        "overdue": _("past its late finish and not done"),
        "lag_red": _("behind plan beyond the red line"),
        "lag_yellow": _("behind plan beyond the yellow line"),
        "forecast": _("early warning: at the recent pace it will finish after its late finish"),
        "on_track": _("on track"),
        "done": _("done"),
        "not_started": _("not due to start yet"),
    }.get(reason, "")


def flag_label(flag: str) -> str:
    return {
        "done_on_time": _("done on time"),
        "done_late": _("done late"),
        "overdue": _("overdue"),
    }.get(flag, "")


def review_label(state: str | None) -> str:
    """The words for an above-target report's review state (``selectors.review_state``)."""
    return {
        "awaiting": _("above target, awaiting review"),
        "confirmed": _("above target, confirmed"),
        "rejected": _("above target, not accepted"),
    }.get(state or "", "")


def change_label(change: float | None) -> str:
    """A change in percentage points: +2.5 / −1.0, 持平 for none, — when not comparable."""
    if change is None:
        return "—"
    if change == 0:
        return _("unchanged")
    return f"+{change:.1f}" if change > 0 else f"−{abs(change):.1f}"


def place_label(latitude: float | None, longitude: float | None) -> str:
    """Where a photo was taken, as 北纬28.89120° 东经120.04560°; empty when unknown."""
    if latitude is None or longitude is None:
        return ""
    north = _("N %(degrees)s°") if latitude >= 0 else _("S %(degrees)s°")
    east = _("E %(degrees)s°") if longitude >= 0 else _("W %(degrees)s°")
    return "{} {}".format(
        north % {"degrees": f"{abs(latitude):.5f}"}, east % {"degrees": f"{abs(longitude):.5f}"}
    )


def photo_watermark_lines(
    *, taken, latitude, longitude, uploader, uploaded, item=None, subject: str = ""
) -> list[str]:
    """The 水印 on a photo's displayed copy: when, where, who uploaded it, for what (a work
    *item*, or a *subject* such as a project's month of investment)."""
    when = (
        _("taken %(time)s (camera)") % {"time": f"{taken:%Y-%m-%d %H:%M}"}
        if taken is not None
        else _("time taken unknown (the photo does not record it)")
    )
    place = place_label(latitude, longitude)
    who = uploader.get_full_name() or uploader.username  # a name; the login only without one
    if place:
        when = "{}　{}".format(when, _("place %(place)s") % {"place": place})
    lines = [when]
    lines.append(
        _("uploaded by %(user)s at %(time)s") % {"user": who, "time": f"{uploaded:%Y-%m-%d %H:%M}"}
    )
    lines.append(subject or f"{item.project.name} · {item.name}")
    return lines
