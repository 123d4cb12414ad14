"""A problem's 交办单 laid out as a 公文 (GB/T 9704, as the ladder's notices are): Word and PDF.

版头: the office's mark in red and the 交办单's number (永重点办交〔2019〕3号, the city's
series for the year, ``problems.selectors.number_text``) over the red rule; the title
重点项目问题交办单; 主送 the responsible unit (the town's government and the owner
department, as a notice names them); a paragraph saying what is assigned and what must
come back by when; the table of the problem's facts — project and work item, the
problem, its 要素 category and 协调层级 (the names of the city's rules in force), its
colour of 三色督办 (``problems.selectors.problem_facts``: the colour every page shows),
the required action, the unit and person responsible, the 时限, the 交办 date, what to
send back; 落款 the office and the 交办 date; 抄送 the project's 包联市领导 when it has one;
page numbers "— 1 —". The layout itself is the notices' (``render_notice.gongwen_docx``
and ``gongwen_pdf``), so the two kinds of 公文 never drift apart.

The 交办单 is read as the problem stands: a level recorded since the 交办 or a new 时限
prints as it is now, under the same number and 交办 date.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guatu.core.periods import chinese_date
from guatu.org.clock import city_today
from guatu.problems.rules import rules_on
from guatu.problems.selectors import number_text, problem_facts, with_answer_state
from guatu.progress.models import Blocker
from guatu.supervision.notices import addressee, printed_day, unit_names
from guatu.supervision.render_notice import UNSAFE, gongwen_docx, gongwen_pdf


def colour_text(colour: str) -> str:
    """A colour of 三色督办 as a 公文 and the bulletin name it (蓝色督办 …), a dash for none."""
    return {
        "blue": pgettext("problem colour", "blue supervision (蓝色督办)"),
        "yellow": pgettext("problem colour", "yellow supervision (黄色督办)"),
        "red": pgettext("problem colour", "red supervision (红色督办)"),
    }.get(colour, "—")


def _facts(blocker: Blocker, today):
    """The problem's colour and names, read as every page reads them (its last answer
    counts: a returned answer makes it yellow)."""
    if not hasattr(blocker, "last_answer"):
        blocker = with_answer_state(
            Blocker.everywhere.filter(pk=blocker.pk).select_related(
                "work_item__project__city", "town", "owner_department"
            )
        ).get()
    city = blocker.work_item.project.city
    return problem_facts([blocker], city=city, today=today)[blocker.pk]


def assignment_parts(blocker: Blocker) -> dict:
    """Everything the 交办单 prints, in the active language, for the Word and the PDF."""
    project = blocker.work_item.project
    city = project.city
    today = city_today(city)
    facts = _facts(blocker, today)
    rules = rules_on(city, today)
    due = printed_day(blocker.due_on)
    level = _("Level %(level)d: %(name)s") % {
        "level": blocker.level,
        "name": rules.level_name(blocker.level),
    }
    body = _(
        "The following problem of the key project %(project)s (work item %(item)s) is hereby "
        "assigned to your unit: %(problem)s Required action: %(action)s Please settle it by "
        "%(due)s and report what was done, with its evidence, through guatu (反馈); the office "
        "verifies the answer and closes the problem (销号) or returns it."
    ) % {
        "project": project.name,
        "item": blocker.work_item.name,
        "problem": _sentence(blocker.description),
        "action": _sentence(blocker.action_required) if blocker.action_required else "—",
        "due": due,
    }
    fields = [
        [_("Project"), project.name],
        [_("Work item"), blocker.work_item.name],
        [_("Problem"), blocker.description],
        [_("Category (要素)"), facts.category],
        [_("Coordination level (协调层级)"), level],
        [_("Supervision colour (三色督办)"), colour_text(facts.colour)],
        [_("Required action"), blocker.action_required or "—"],
        [_("Responsible unit"), unit_names(blocker.town, blocker.owner_department)],
        [_("Person responsible"), blocker.responsible_person or "—"],
        [_("时限"), due],
        [_("Assigned on (交办)"), printed_day(blocker.assigned_on)],
        [
            _("To send back (反馈)"),
            _("What was done and its evidence, through guatu, by %(due)s.") % {"due": due},
        ],
        [_("State"), blocker.get_status_display()],
    ]
    leader = project.leader
    copied = str(leader) if leader is not None else project.responsible_leader
    office = city.office_name or city.name
    return {
        "mark": office,
        "number": number_text(blocker),
        "title": _("Key project problem assignment (重点项目问题交办单)"),
        "addressee": addressee(blocker.town, blocker.owner_department),
        "body": body,
        "fields": fields,
        "office": office,
        "written": chinese_date(blocker.assigned_on or today),
        "copied": _("Copy to (抄送): %(names)s") % {"names": copied} if copied else "",
    }


def _sentence(text: str) -> str:
    """*text* ending as a sentence does (the description is the unit's own words)."""
    text = (text or "").strip()
    return text if text.endswith(("。", "！", "？", ".", "!", "?")) else f"{text}。"


def assignment_docx(blocker: Blocker) -> bytes:
    """The 交办单 in Word (GB/T 9704), in the city's language whoever's session asks."""
    with translation.override(settings.LANGUAGE_CODE):
        return gongwen_docx(assignment_parts(blocker))


def assignment_pdf(blocker: Blocker) -> bytes:
    """The 交办单 as an A4 PDF that opens on a phone, page numbers "— 1 —" at the foot."""
    with translation.override(settings.LANGUAGE_CODE):
        return gongwen_pdf(assignment_parts(blocker))


def assignment_filename(blocker: Blocker, extension: str) -> str:
    """交办单-石柱镇-金温铁路外迁征迁.docx: the document, the unit, the item."""
    with translation.override(settings.LANGUAGE_CODE):
        heading = _("Assignment (交办单)")
    # The term between brackets, whether the words around it are translated or not.
    short = re.sub(r".*[（(](.*)[）)].*", r"\1", heading)
    unit = blocker.town.name if blocker.town_id else str(blocker.owner_department or "")
    parts = [short, unit, blocker.work_item.name]
    stem = "-".join(UNSAFE.sub("", part).strip() for part in parts if part)
    return f"{stem[:80]}.{extension}"
