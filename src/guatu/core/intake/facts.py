"""Facts in restored articles: dates, time nodes, counts, people, progress phrases, projects.

Each fact keeps the sentence it came from, so that a supervisor can judge it
and attach it to a project as evidence. Relative dates (15 日) are resolved
against the issue date: the most recent such day on or before it.

>>> from datetime import date
>>> [f.value for f in facts_in("全线要求在2020年6月底具备通车条件。", issue=date(2019, 11, 16))]
['2020-06-30']
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from guatu.core.intake.restore import Page
from guatu.core.ledger.cells import CellError, parse_date

__all__ = ["Fact", "ProjectName", "facts_in", "page_facts"]

SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
ABSOLUTE_DATE = re.compile(
    r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日|(底|末|上旬|中旬|下旬))|(\d{4})年(底|末)"
)
RELATIVE_DAY = re.compile(r"(?<![\d年月])(\d{1,2})日")
DEADLINE_WORDS = re.compile(r"要求|必须|确保|力争|之前|以前|前完成|具备|完成|底线|时限|节点")
COUNT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(个|户|亩|平方米|公里|万元|亿元|条|家|名|人|项|处|栋|米)"
    r"([\u4e00-\u9fff]{0,4}?)(?=的|[，。、；]|和|及|$|[^\u4e00-\u9fff])"
)
TITLES = (
    "常务副市长",
    "副市长",
    "市长",
    "市委书记",
    "市委副书记",
    "市委常委",
    "市领导",
    "首席记者",
    "记者",
    "县长",
    "县委书记",
    "镇长",
    "党委书记",
)
#: Longest first, so that 常务副市长 is not read as 市长.
TITLE = re.compile("|".join(sorted(TITLES, key=len, reverse=True)))
NAME_STOP = set("对赴参在说强调指出要表示召集的、，。和与及等到来去是为将也就主带率")
STATUS = [
    ("done", r"(?:已|已经)?(?:全线|全面|全部)?完成(?:交地|征地|拆除|签约|组卷报批|政策处理)"),
    ("behind", r"(?:稍显|明显|有所|总体工作进度)?(?:落后|滞后)"),
    ("progress", r"突破性进展|明显进展"),
    ("on_track", r"稳步推进|顺利推进|有序推进"),
    ("clear_for_construction", r"无障碍施工"),
]
STATUS_PATTERN = re.compile("|".join(f"(?P<{key}>{pattern})" for key, pattern in STATUS))
STATUS_NAMES = {key: key for key, _pattern in STATUS}
_DIGIT = re.compile(r"\d")
PHASES = (
    "违建拆除",
    "违法建筑拆除",
    "征地",
    "政策处理",
    "交地",
    "规划",
    "设计",
    "组卷报批",
    "开工",
    "建成",
    "交付",
)
PHASE_PATTERN = re.compile("|".join(sorted(PHASES, key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class ProjectName:
    """A project to look for: its code and the names a text may use for it."""

    code: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """``kind``: date, deadline, count, person, status, phase or project; ``value`` normalised."""

    kind: str
    text: str
    value: str
    sentence: str
    article: int = -1
    paragraph: int = -1
    detail: str = ""


def _relative(day: int, issue: date) -> date | None:
    """The latest date on or before *issue* whose day of the month is *day*."""
    candidate = issue
    for _ in range(62):
        if candidate.day == day:
            return candidate
        candidate -= timedelta(days=1)
    return None


def facts_in(
    text: str,
    *,
    issue: date,
    projects: tuple[ProjectName, ...] = (),
    article: int = -1,
    paragraph: int = -1,
) -> list[Fact]:
    """Return the facts of *text*, sentence by sentence, in order."""
    found: list[Fact] = []
    project_pattern, project_of = _project_pattern(projects)
    for match in SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        if not sentence:
            continue

        def add(kind: str, span: str, value: str, detail: str = "", sentence=sentence) -> None:
            found.append(Fact(kind, span, value, sentence, article, paragraph, detail))

        if _DIGIT.search(sentence):
            _numbers(sentence, issue, add)
        for title_match in TITLE.finditer(sentence):
            title = title_match.group(0)
            for name in _names(sentence[title_match.end() :]):
                add("person", title + name, name, title)
        status_phases = set()
        for status_match in STATUS_PATTERN.finditer(sentence):
            status = next(key for key, value in status_match.groupdict().items() if value)
            phase = next((p for p in PHASES if p in status_match.group(0)), "")
            status_phases.add(phase)
            add("status", status_match.group(0), STATUS_NAMES[status], phase)
        for phase in dict.fromkeys(PHASE_PATTERN.findall(sentence)):
            if phase not in status_phases:
                add("phase", phase, phase)
        if project_pattern is not None:
            seen = set()
            for name in project_pattern.findall(sentence):
                code = project_of[name]
                if code not in seen:
                    seen.add(code)
                    add("project", name, code)
    return found


def _numbers(sentence: str, issue: date, add) -> None:
    """Dates, time nodes and counts: everything that starts with a digit."""
    taken: list[tuple[int, int]] = []
    for date_match in ABSOLUTE_DATE.finditer(sentence):
        span = date_match.group(0)
        try:
            day = parse_date(span, year=None)
        except CellError:
            continue
        taken.append(date_match.span())
        rest = sentence[date_match.end() : date_match.end() + 12]
        before = sentence[max(0, date_match.start() - 8) : date_match.start()]
        deadline = bool(DEADLINE_WORDS.search(before + rest)) and day > issue
        add("deadline" if deadline else "date", span, day.isoformat(), rest.strip("，。"))
    for day_match in RELATIVE_DAY.finditer(sentence):
        if any(a <= day_match.start() < b for a, b in taken):
            continue
        resolved = _relative(int(day_match.group(1)), issue)
        if resolved is not None:
            add("date", day_match.group(0), resolved.isoformat(), "relative")
    for count in COUNT.finditer(sentence):
        if any(a <= count.start() < b for a, b in taken):
            continue
        number, unit, noun = count.groups()
        add("count", count.group(0), f"{number} {unit}", noun)


_PROJECT_PATTERNS: dict[tuple[ProjectName, ...], tuple[re.Pattern | None, dict[str, str]]] = {}


def _project_pattern(projects: tuple[ProjectName, ...]):
    """One pattern for every project name, longest first (金台铁路永康段 before 金台铁路)."""
    cached = _PROJECT_PATTERNS.get(projects)
    if cached is None:
        project_of: dict[str, str] = {}
        for project in projects:
            for name in project.names:
                if name:
                    project_of.setdefault(name, project.code)
        names = sorted(project_of, key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, names))) if names else None
        cached = _PROJECT_PATTERNS[projects] = (pattern, project_of)
        if len(_PROJECT_PATTERNS) > 32:
            _PROJECT_PATTERNS.pop(next(iter(_PROJECT_PATTERNS)))
    return cached


def _names(after: str) -> list[str]:
    """The names right after a title: 朱志杰 in 市长朱志杰对…, both in 市领导朱志杰、朱志昂参加."""
    names = []
    rest = after
    while True:
        match = re.match(r"[\u4e00-\u9fff]{2,3}", rest)
        if not match:
            break
        name = match.group(0)
        for k in range(1, len(name)):
            if name[k] in NAME_STOP:
                name = name[:k]
                break
        if len(name) < 2:
            break
        names.append(name)
        rest = rest[len(name) :]
        if rest.startswith("、") and re.match(r"、[\u4e00-\u9fff]{2,3}", rest):
            rest = rest[1:]
            continue
        break
    return names


def page_facts(page: Page, *, issue: date, projects: tuple[ProjectName, ...] = ()) -> list[Fact]:
    """The facts of every article of *page*: its headline, byline and paragraphs."""
    found: list[Fact] = []
    for a, article in enumerate(page.articles):
        for text in (article.kicker, article.headline):
            found.extend(facts_in(text, issue=issue, projects=projects, article=a))
        for name in article.reporters:
            found.append(Fact("person", article.byline, name, article.byline, a, -1, "记者"))
        for p, paragraph in enumerate(article.paragraphs):
            found.extend(
                facts_in(paragraph, issue=issue, projects=projects, article=a, paragraph=p)
            )
    for caption in page.captions:
        found.extend(facts_in(caption.text, issue=issue, projects=projects))
        if caption.photographer:
            found.append(
                Fact("person", caption.credit, caption.photographer, caption.credit, detail="记者")
            )
    return found
