"""A rung's notice as a 公文: its number, whom it is addressed to, its text, its answer date.

A notice is issued with the bulletin that records its rung (``escalations_record``)
and never changes after: its number names it for good in the city's series for
the year and the rung (永重点办督〔2019〕3号: 提 reminders, 督 督办单, 约 约谈,
批 通报批评), its text is the office's template for the rung filled with the
rung's own facts — the same evidence its table prints, so the two always agree —
and it says by which date, counted in the city's working days (holidays and
make-up days included), the unit must answer with its 整改反馈.
"""

import re
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from guatu.core.periods import chinese_date
from guatu.org import numbering
from guatu.org.clock import city_time, city_zone, office_calendar
from guatu.org.models import City, Town
from guatu.progress.labels import light_label
from guatu.supervision.models import EscalationEvent, NoticeTemplate

#: The series mark of each rung in a notice's number.
MARKS = {"reminder": "提", "notice": "督", "interview": "约", "criticism": "批"}
#: Working days a unit has to answer a rung's notice.
ANSWER_DAYS = {"reminder": 5, "notice": 5, "interview": 3, "criticism": 10}
FIELD = re.compile(r"\{([^{}]*)\}")


def fields() -> list[tuple[str, str]]:
    """The ``{名称}`` a template may use, each with what it becomes."""
    return [
        ("单位", _("the unit the notice is addressed to")),
        ("项目", _("the project")),
        ("事项", _("the work item")),
        ("数据日期", _("the data date the rung was judged on")),
        ("计划", _("planned % at that date")),
        ("实际", _("reported % at that date")),
        ("欠序时", _("percentage points behind plan")),
        ("红灯期数", _("red periods in a row")),
        ("红灯期次", _("the red periods in a row, with their dates")),
        ("最迟完成", _("the latest finish the schedule allows")),
        ("反馈期限", _("the date the unit must answer by")),
        ("约谈时间", _("the interview's time (约谈)")),
        ("约谈地点", _("the interview's place (约谈)")),
    ]


def default_body(level: str) -> str:
    """The text a rung's notice has until the office writes its own."""
    return {
        "reminder": _(
            "Your unit's work item {事项} of {项目} stood at {实际}% on {数据日期} against "
            "{计划}% planned, {欠序时} percentage points behind, red for {红灯期数} "
            "period(s) in a row ({红灯期次}). Please take effective measures to catch up, and "
            "report the measures and the new completion date in writing to the supervision "
            "office by {反馈期限}."
        ),
        "notice": _(
            "Your unit's work item {事项} of {项目} has stayed red after a reminder: {实际}% "
            "on {数据日期} against {计划}% planned, {欠序时} percentage points behind, red for "
            "{红灯期数} periods in a row ({红灯期次}); it must finish by {最迟完成}. This "
            "supervision notice requires your unit to rectify it within the time limit and to "
            "report the rectification in writing by {反馈期限}."
        ),
        "interview": _(
            "Your unit's work item {事项} of {项目} has stayed red after a supervision notice "
            "({实际}% on {数据日期} against {计划}% planned, red for {红灯期数} periods in a "
            "row: {红灯期次}). The principal responsible person of your unit is to attend an "
            "interview at {约谈时间}, {约谈地点}, and to report the rectification in writing "
            "by {反馈期限}."
        ),
        "criticism": _(
            "Your unit's work item {事项} of {项目} has stayed red after an interview "
            "({实际}% on {数据日期} against {计划}% planned, red for {红灯期数} periods in a "
            "row: {红灯期次}). Your unit is hereby publicly criticised and the matter referred "
            "for accountability; report the rectification in writing by {反馈期限}."
        ),
    }.get(level, "")


def template_problems(text: str) -> list[str]:
    """What is wrong with a template the office wrote: each unknown ``{名称}``, or empty."""
    known = {name for name, _meaning in fields()}
    problems = []
    if not text.strip():
        problems.append(_("Write the text of the notice."))
    if text.count("{") != text.count("}"):
        problems.append(_("A field is written between braces, like {事项}: one is not closed."))
    for name in FIELD.findall(text):
        if name not in known:
            problems.append(
                _("“{%(name)s}” is not a field: use one of %(fields)s.")
                % {"name": name, "fields": "、".join(f"{{{k}}}" for k in sorted(known))}
            )
    if len(text) > 4000:
        problems.append(_("At most 4000 characters."))
    return problems


def template_text(city: City, level: str) -> str:
    """The office's template for the rung, or the default."""
    own = NoticeTemplate.objects.filter(city=city, level=level).values_list("body", flat=True)
    return next(iter(own), "") or default_body(level)


def fill(template: str, facts: dict[str, str]) -> str:
    """*template* with each ``{名称}`` replaced by its fact (escape-free: plain text)."""
    return FIELD.sub(lambda match: facts.get(match[1], match[0]), template)


def addressee(town: Town | None, department) -> str:
    """主送: the town's government (a 街道's 办事处) and the owner department."""
    names = []
    if town is not None:
        names.append(town.name + ("办事处" if town.name.endswith("街道") else "人民政府"))
    if department is not None:
        names.append(str(department))
    return "、".join(names)


def unit_names(town: Town | None, department) -> str:
    """The responsible unit as a table prints it: the town and the department, or a dash."""
    names = [town.name] if town is not None else []
    if department is not None:
        names.append(str(department))
    return "、".join(names) or "—"


def number_text(event: EscalationEvent) -> str:
    """The notice's number as printed, e.g. 永重点办督〔2019〕3号 (empty before it has one)."""
    if not event.number or event.city_id is None:
        return ""
    return numbering.number_text(event.city, event.year, event.number, MARKS.get(event.level, ""))


def printed_day(value: date | None) -> str:
    """A date as the notice prints it (2019年11月15日), a dash for none."""
    return chinese_date(value) if value else "—"


def interview_text(event: EscalationEvent) -> tuple[str, str]:
    """The interview's time and place as the notice prints them."""
    if event.interview_at is None:
        return _("to be announced"), event.interview_place or _("to be announced")
    moment = city_time(event.city, event.interview_at)
    return (
        f"{chinese_date(moment.date())}{moment:%H:%M}",
        event.interview_place or _("to be announced"),
    )


def facts(event: EscalationEvent) -> dict[str, str]:
    """The rung's facts by field name: what the template is filled with."""
    evidence = event.evidence or {}
    lights = evidence.get("lights") or []
    dates = evidence.get("dates") or []
    run = int(evidence.get("red_periods", 0) or 0)
    # The red periods in a row that the count names, with their dates: what the table shows.
    red = (
        [
            f"{chinese_date(date.fromisoformat(day))}{light_label(light)}"
            for day, light in list(zip(dates, lights, strict=False))[len(dates) - run :]
        ]
        if run
        else []
    )
    at, place = interview_text(event)

    def number(key: str) -> str:
        value = evidence.get(key)
        if value is None:
            return "0"  # nothing reported yet: nothing done, as far as the office knows
        return f"{value:g}" if isinstance(value, float) else str(value)

    late = evidence.get("late_finish")
    as_of = evidence.get("as_of")
    return {
        "单位": event.addressee or addressee(event.town, event.department),
        "项目": event.work_item.project.name,
        "事项": event.work_item.name,
        "数据日期": chinese_date(date.fromisoformat(as_of)) if as_of else "—",
        "计划": number("planned"),
        "实际": number("actual"),
        "欠序时": number("lag"),
        "红灯期数": str(run),
        "红灯期次": "、".join(red) or "—",
        "最迟完成": chinese_date(date.fromisoformat(late)) if late else "—",
        "反馈期限": printed_day(event.reply_by),
        "约谈时间": at,
        "约谈地点": place,
    }


def notices_issue(events: list[EscalationEvent], *, city: City, on: date) -> None:
    """Give each new rung its notice: number, addressee, answer date and text.

    Called in the publishing transaction, which locked the city's row first
    (``bulletin_publish``), so two bulletins published at once never take the same
    number.
    """
    calendar = office_calendar(city)
    year = on.year
    # A 公文 is written in the city's language, whoever's session issues it.
    with translation.override(settings.LANGUAGE_CODE):
        templates = {level: template_text(city, level) for level in {e.level for e in events}}
    taken = dict(
        EscalationEvent.everywhere.filter(city=city, year=year, number__isnull=False)
        .order_by()
        .values("level")
        .annotate(top=Max("number"))
        .values_list("level", "top")
    )
    for event in events:
        taken[event.level] = taken.get(event.level, 0) + 1
        event.city, event.year, event.number = city, year, taken[event.level]
        event.issued_on = on
        event.addressee = addressee(event.town, event.department)
        # An interview's answer comes after the interview, never before it.
        start = max(on, city_time(city, event.interview_at).date()) if event.interview_at else on
        event.reply_by = calendar.working_days_after(start, ANSWER_DAYS.get(event.level, 5))
        with translation.override(settings.LANGUAGE_CODE):
            event.notice_body = fill(templates[event.level], facts(event))
        event.save(
            update_fields=[
                "city", "year", "number", "issued_on", "addressee", "reply_by", "notice_body",
                "interview_at", "interview_place",
            ]
        )  # fmt: skip


def notice_body(event: EscalationEvent) -> str:
    """The text as issued; a rung recorded before notices had text gets the default's."""
    return event.notice_body or fill(
        template_text(event.work_item.project.city, event.level), facts(event)
    )


def interview_parse(text: str, city: City) -> datetime:
    """The office's interview time (``2019-11-20 09:30``) as an aware moment in the city."""
    try:
        moment = datetime.strptime(text.strip().replace("T", " "), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValidationError(
            {"interview_at": _("Write the interview time as 2019-11-20 09:30.")}
        ) from None
    if not 2000 <= moment.year <= 2100:
        raise ValidationError({"interview_at": _("The interview time is out of range.")})
    return moment.replace(tzinfo=city_zone(city))
