"""The 前置事项 column checked across the whole ledger: known items, no cycle, what changed.

Links are checked once every row of every sheet has been read, since a row
may name an item defined further down or in the database.
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from guatu.core.errors import CycleError
from guatu.core.ledger.columns import ITEMS
from guatu.core.network import check_acyclic
from guatu.ledger.checking import MAX_PROBLEMS, TooManyProblems
from guatu.ledger.plan import ItemRow, Plan
from guatu.ledger.problems import Problem
from guatu.ledger.result import ImportResult
from guatu.projects.plan_lock import locked_message


def links_check(plan: Plan, result: ImportResult) -> None:
    """Resolve each row's predecessors; refuse unknown codes, cycles and thin joint nodes."""
    by_project: dict[str, list[ItemRow]] = defaultdict(list)
    for row in plan.items.values():
        by_project[row.project].append(row)
    for project, rows in by_project.items():
        _project_links_check(plan, project, rows)
    _classify_items(plan, result)


def _project_links_check(plan: Plan, project: str, rows: list[ItemRow]) -> None:
    """One project's links: every code known, then no cycle, then joint nodes and the lock."""
    in_file = {row.code for row in rows}
    codes = in_file | set(plan.existing_items.get(project, {}))
    network = _stored_network(plan, project, in_file)
    bad = False
    for row in rows:
        if row.links is None:
            continue
        preds, row_bad = _row_predecessors(plan, project, row, codes)
        bad = bad or row_bad
        network[row.code] = preds
    if bad or not _acyclic(plan, project, rows, network):
        return
    for row in rows:
        _check_row_links(plan, project, row, network)


def _stored_network(plan: Plan, project: str, in_file: set[str]) -> dict[str, set[str]]:
    """Each stored item's predecessors, by code, unless its row in the file lists new ones."""
    stored = plan.existing_items.get(project, {})
    code_of = {item.pk: code for code, item in stored.items()}
    network: dict[str, set[str]] = {}
    for code, item in stored.items():
        if code not in in_file or plan.items[(project, code)].links is None:
            network[code] = {
                code_of[pred] for pred, _k, _l in plan.existing_links[project][item.pk]
            }
    return network


def _row_predecessors(
    plan: Plan, project: str, row: ItemRow, codes: set[str]
) -> tuple[set[str], bool]:
    """The codes *row* lists, and whether any is unknown, itself or listed twice."""
    preds: set[str] = set()
    bad = False
    for pred, _kind, _lag in row.links:
        problem = None
        if pred not in codes:
            problem = _("no work item %(code)s in project %(project)s.")
        elif pred == row.code:
            problem = _("a work item cannot depend on itself (%(code)s).")
        elif pred in preds:
            problem = _("%(code)s is listed twice.")
        if problem:
            bad = True
            _row_problem(
                plan,
                row,
                ITEMS,
                "predecessors",
                problem
                % {
                    "code": pred,
                    "project": project,
                },
            )
        preds.add(pred)
    return preds, bad


def _acyclic(plan: Plan, project: str, rows: list[ItemRow], network: dict[str, set[str]]) -> bool:
    """Whether the project's links form no cycle; a cycle is a problem at its first row."""
    pairs = [(pred, succ) for succ, preds in network.items() for pred in preds]
    try:
        check_acyclic(pairs, name=lambda code: code)
    except CycleError as error:
        first = next(
            (plan.items[(project, c)] for c in error.cycle if (project, c) in plan.items),
            rows[0],
        )
        _row_problem(
            plan,
            first,
            ITEMS,
            "predecessors",
            _("the links form a cycle: %(cycle)s.") % {"cycle": " → ".join(error.cycle)},
        )
        return False
    return True


def _check_row_links(plan: Plan, project: str, row: ItemRow, network: dict[str, set[str]]) -> None:
    """A joint delivery has two predecessors or more; an approved plan's links do not change."""
    values = row.values
    joint = values.get("joint", row.existing.joint if row.existing else False)
    if joint and len(network.get(row.code, ())) < 2:
        _row_problem(
            plan,
            row,
            ITEMS,
            "predecessors",
            _("a joint delivery needs at least two predecessors (its branches)."),
        )
    if (
        project in plan.baselined
        and row.existing is not None
        and row.links is not None
        and links_changed(plan, row)
    ):
        _row_problem(plan, row, ITEMS, "predecessors", locked_message(plan.baselined[project]))


def _row_problem(plan: Plan, row, spec, key: str, message: str) -> None:
    table_columns = {column.key: column for column in spec.columns}
    column = table_columns[key].header if key in table_columns else None
    plan.problems.append(Problem(row.sheet, row.number, column, "", message))
    if len(plan.problems) >= MAX_PROBLEMS:
        raise TooManyProblems


def _classify_items(plan: Plan, result: ImportResult) -> None:
    for (project, code), row in plan.items.items():
        label = f"{project}/{code}"
        item = row.existing
        if item is None:
            result.items.created.append(label)
            continue
        changed = any(getattr(item, name) != value for name, value in row.values.items())
        if row.villages is not None and row.villages != plan.existing_villages.get(item.pk):
            changed = True
        if row.links is not None and links_changed(plan, row):
            changed = True
        (result.items.updated if changed else result.items.unchanged).append(label)


def links_changed(plan: Plan, row: ItemRow) -> bool:
    code_of = plan._codes_by_pk.get(row.project)
    if code_of is None:
        stored = plan.existing_items[row.project]
        code_of = plan._codes_by_pk[row.project] = {item.pk: code for code, item in stored.items()}
    before = {
        (code_of[pred], kind, lag)
        for pred, kind, lag in plan.existing_links[row.project][row.existing.pk]
    }
    return before != set(row.links)
