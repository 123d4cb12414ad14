"""Writing a checked ledger: bulk inserts and updates, then one reschedule per touched project.

Called by ``ledger_import`` inside its transaction, after every check passed.
"""

from django.db.models import Max

from guatu.common.bulk import id_chunks, rows_insert
from guatu.common.events import ReportReviewed, ReportsStored, publish
from guatu.ledger.blockers_sheet import BLOCKER_FIELDS
from guatu.ledger.links import links_changed
from guatu.ledger.plan import PROJECT_FIELDS, Plan
from guatu.ledger.result import ImportResult
from guatu.progress.models import Blocker, ProgressReport, ReportReview
from guatu.progress.services import report_row
from guatu.projects.models import Dependency, Project, WorkItem, supervision_start
from guatu.projects.scheduling import projects_lock, schedule_recalculate


def _fetch_new_items(plan: Plan, project_ids: set[int], projects: dict[str, Project]) -> None:
    """Attach the items just inserted to their rows (the insert returns no ids)."""
    code_of = {project.pk: code for code, project in projects.items()}
    for item in WorkItem.objects.filter(project_id__in=project_ids).only(
        "pk", "project_id", "code", "joint"
    ):
        row = plan.items.get((code_of[item.project_id], item.code))
        if row is not None and row.new:
            row.existing = item


def plan_write(plan: Plan, actor, result: ImportResult) -> None:
    """Write the checked plan; called inside one transaction.

    Projects, then items, their villages, links, reports (with their reviews)
    and blockers, in the order each needs the ids of the one before; then each
    touched project is rescheduled. The existing projects' rows are locked first, as every
    writer of a schedule input does (``projects_lock``).
    """
    existing = [p.pk for _values, p in plan.projects.values() if p is not None]
    projects_lock([*existing, *(p.pk for p in plan.known_projects.values())])
    projects, touched = _write_projects(plan)
    touched |= _write_items(plan, projects)
    _write_villages(plan)
    touched |= _write_links(plan)
    _write_reports(plan, actor)
    _write_blockers(plan)
    for code in sorted(touched):
        schedule_recalculate(project=projects[code])
        result.rescheduled.append(code)


def _write_projects(plan: Plan) -> tuple[dict[str, Project], set[str]]:
    """Insert the new projects and update the changed ones.

    Return every project the plan's rows name, by code, and the codes written.
    """
    touched: set[str] = set()
    projects: dict[str, Project] = dict(plan.known_projects)
    new_projects, changed_projects = [], []
    for code, (values, project) in plan.projects.items():
        if project is None:
            project = Project(
                city=plan.city, code=code, supervised_from=supervision_start(plan.city), **values
            )
            new_projects.append(project)
            touched.add(code)
        elif any(getattr(project, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(project, key, value)
            changed_projects.append(project)
            touched.add(code)
        projects[code] = project
    Project.objects.bulk_create(new_projects)
    if changed_projects:
        Project.objects.bulk_update(changed_projects, list(PROJECT_FIELDS))
    for code in {row.project for row in plan.items.values()} - projects.keys():
        projects[code] = plan._project(code)
    return projects, touched


def _write_items(plan: Plan, projects: dict[str, Project]) -> set[str]:
    """Insert the new items (each last in its project) and update the changed ones.

    Return the codes of the projects whose items changed.
    """
    touched: set[str] = set()
    next_order = dict(
        WorkItem.objects.filter(project__in=[p.pk for p in projects.values()])
        .values("project__code")
        .annotate(top=Max("order"))
        .values_list("project__code", "top")
    )
    new_rows, changed_items, changed_fields = [], [], set()
    for row in plan.items.values():
        project = projects[row.project]
        if row.existing is None:
            order = next_order.get(row.project) or 0
            next_order[row.project] = order + 1
            new_rows.append(
                {"project_id": project.pk, "code": row.code, "order": order + 1, **row.values}
            )
            touched.add(row.project)
            continue
        item = row.existing
        diff = {name for name, value in row.values.items() if getattr(item, name) != value}
        if diff:
            for name in diff:
                setattr(item, name, row.values[name])
            changed_items.append(item)
            changed_fields |= diff
            touched.add(row.project)
    rows_insert(WorkItem, new_rows)
    if new_rows:
        _fetch_new_items(plan, {row["project_id"] for row in new_rows}, projects)
    if changed_items:
        WorkItem.objects.bulk_update(changed_items, sorted(changed_fields), batch_size=1000)
    return touched


def _write_villages(plan: Plan) -> None:
    """Replace the villages of each item whose 行政村 changed."""
    through = WorkItem.villages.through
    village_rows = [row for row in plan.items.values() if row.villages is not None]
    stale = [
        row.existing.pk
        for row in village_rows
        if plan.existing_villages.get(row.existing.pk, frozenset()) != row.villages
    ]
    if not stale:
        return
    stale_set = set(stale)
    for chunk in id_chunks(stale):
        through.objects.filter(workitem_id__in=chunk).delete()
    through.objects.bulk_create(
        [
            through(workitem_id=row.existing.pk, village_id=village)
            for row in village_rows
            if row.existing.pk in stale_set
            for village in sorted(row.villages)
        ],
        batch_size=5000,
    )


def _write_links(plan: Plan) -> set[str]:
    """Replace the predecessors of each new item and each whose links changed.

    Return the codes of the projects whose links changed.
    """
    link_rows = [
        row
        for row in plan.items.values()
        if row.links is not None and (row.new or links_changed(plan, row))
    ]
    if not link_rows:
        return set()
    pk_of = {
        (project, code): item.pk
        for project, items in plan.existing_items.items()
        for code, item in items.items()
    }
    pk_of.update({key: row.existing.pk for key, row in plan.items.items()})
    for chunk in id_chunks([row.existing.pk for row in link_rows]):
        Dependency.objects.filter(successor_id__in=chunk).delete()
    Dependency.objects.bulk_create(
        [
            Dependency(
                predecessor_id=pk_of[(row.project, pred)],
                successor_id=row.existing.pk,
                type=kind,
                lag_days=lag,
            )
            for row in link_rows
            for pred, kind, lag in row.links
        ],
        batch_size=5000,
    )
    return {row.project for row in link_rows}


def _item_pks(plan: Plan) -> dict[tuple[str, str], int]:
    """Every item the plan names, new or stored, by (project code, item code)."""
    item_pk = {key: row.existing.pk for key, row in plan.items.items()}
    for project, items in plan.existing_items.items():
        for code, item in items.items():
            item_pk.setdefault((project, code), item.pk)
    return item_pk


def _write_reports(plan: Plan, actor) -> None:
    """Store the progress sheet's reports, built by the report service's own constructor,
    and the reviews the sheet records (核实情况), as the review page would."""
    rows = plan.progress.rows if plan.progress else []
    reviews = [
        ReportReview(report=review.report, decision=review.decision, note=review.note)
        for review in (plan.progress.reviews if plan.progress else [])
    ]
    if not rows and not reviews:
        return
    item_pk = _item_pks(plan)
    stored = ProgressReport.objects.bulk_create(
        [
            report_row(
                work_item_id=item_pk[report.item_key],
                reported_on=report.reported_on,
                figures=report.figures,
                note=report.note,
                reported_by=actor,
                supersedes=report.supersedes,
                correction_reason=report.correction_reason,
            )
            for report in rows
        ],
        batch_size=2000,
    )
    reviews += [
        ReportReview(report=report, decision=row.review, note=row.review_note)
        for report, row in zip(stored, rows, strict=True)
        if row.review
    ]
    for review in reviews:
        review.reviewed_by = actor
    reviews = ReportReview.objects.bulk_create(reviews)
    # What a stored report sets off (the office's 待核实 notice for one not yet reviewed …)
    # as from the form; then each review, as from the review page.
    if stored:
        publish(ReportsStored(tuple(stored)))
    for review in reviews:
        publish(ReportReviewed(review))


def _write_blockers(plan: Plan) -> None:
    """Open the 卡点 sheet's new blockers (on their item's town) and update the known ones."""
    rows = plan.blockers.rows if plan.blockers else []
    if not rows:
        return
    item_pk = _item_pks(plan)
    towns = {key: plan._item_state(*key)["town_id"] for key in {row.item_key for row in rows}}
    Blocker.objects.bulk_create(
        [
            Blocker(
                work_item_id=item_pk[row.item_key],
                town_id=towns[row.item_key],
                description=row.description,
                opened_on=row.opened_on,
                **row.values,
            )
            for row in rows
            if row.existing is None
        ],
        batch_size=2000,
    )
    changed = [row for row in rows if row.existing is not None]
    for row in changed:
        for name, value in row.values.items():
            setattr(row.existing, name, value)
    if changed:
        Blocker.objects.bulk_update(
            [row.existing for row in changed], list(BLOCKER_FIELDS), batch_size=1000
        )
