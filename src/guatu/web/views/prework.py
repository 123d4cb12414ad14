"""The 前期 template page (the office edits it, everyone reads it) and a project's
"生成前期节点" button (docs/PREWORK.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guatu.access import is_supervisor, role_required
from guatu.accounts.models import Role
from guatu.core.prework import LINK_KINDS, MAX_LINKS, MAX_NODES
from guatu.org.models import Department
from guatu.org.selectors import current_city_or_404
from guatu.projects.models import Project
from guatu.projects.prework import prework_apply, prework_template_save, template_rows

#: Empty rows offered under the stored ones, to add nodes and links.
SPARE_NODES = 5
SPARE_LINKS = 10
NODE_KEYS = ("code", "name", "duration_days", "department")
LINK_KEYS = ("predecessor", "successor", "kind", "lag_days")


def _posted(request: HttpRequest, prefix: str, keys: tuple[str, ...], limit: int) -> list[dict]:
    """The rows of a table as posted (``node-code``, ``node-name`` …, one value a row),
    rows left wholly empty dropped; at most *limit* + 1 rows are read (the service
    refuses more)."""
    columns = {key: request.POST.getlist(f"{prefix}-{key}")[: limit + 1] for key in keys}
    count = max((len(values) for values in columns.values()), default=0)
    rows = []
    for n in range(count):
        row = {key: (values[n] if n < len(values) else "") for key, values in columns.items()}
        if prefix == "link" and not (row["predecessor"] or row["successor"]):
            continue  # kind and lag have defaults: a row without ends is an empty row
        if any(str(value).strip() for value in row.values()):
            rows.append(row)
    return rows


def _row_errors(error: ValidationError, section: str, count: int) -> list[dict[str, list[str]]]:
    """Per row, the messages at each of its fields (``nodes.3.name`` → row 3, name)."""
    rows: list[dict[str, list[str]]] = [{} for _n in range(count)]
    for key, problems in error.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == section and parts[1].isdigit():
            row = int(parts[1]) - 1
            if 0 <= row < count:
                rows[row].setdefault(parts[2], []).extend(problems)
    return rows


@login_required
def prework_template_view(request: HttpRequest) -> HttpResponse:
    """The city's 前期 template: its nodes and links; the office changes them here."""
    city = current_city_or_404()
    current = template_rows(city)
    office = is_supervisor(request.user)
    problems: list[str] = []
    if request.method == "POST":
        nodes = _posted(request, "node", NODE_KEYS, MAX_NODES)
        links = _posted(request, "link", LINK_KEYS, MAX_LINKS)
        try:
            prework_template_save(actor=request.user, city=city, nodes=nodes, links=links)
        except ValidationError as error:
            problems = [p for values in error.message_dict.values() for p in values]
            node_errors = _row_errors(error, "nodes", len(nodes))
            link_errors = _row_errors(error, "links", len(links))
            node_rows = [
                {**row, "errors": errors} for row, errors in zip(nodes, node_errors, strict=True)
            ]
            link_rows = [
                {**row, "errors": errors} for row, errors in zip(links, link_errors, strict=True)
            ]
        else:
            messages.success(request, _("The 前期 template is saved."))
            return redirect("web:prework")
    else:
        node_rows = [
            {
                "code": node.code,
                "name": node.name,
                "duration_days": node.duration_days,
                "department": node.department.pk if node.department else "",
                "department_name": node.department.name if node.department else "",
                "errors": {},
            }
            for node in current.nodes
        ]
        link_rows = [
            {
                "predecessor": link.predecessor,
                "successor": link.successor,
                "kind": link.kind,
                "lag_days": link.lag_days,
                "errors": {},
            }
            for link in current.links
        ]
    names = {row["code"]: row["name"] for row in node_rows}
    for row in link_rows:
        row["predecessor_name"] = names.get(row["predecessor"], "")
        row["successor_name"] = names.get(row["successor"], "")
    blank_node = {key: "" for key in NODE_KEYS} | {"errors": {}}
    blank_link = {key: "" for key in LINK_KEYS} | {"kind": "FS", "lag_days": 0, "errors": {}}
    return render(
        request,
        "web/prework.html",
        {
            "current": current,
            "office": office,
            "problems": problems,
            "node_rows": node_rows + ([blank_node] * SPARE_NODES if office else []),
            "link_rows": link_rows + ([blank_link] * SPARE_LINKS if office else []),
            "departments": Department.objects.order_by("name") if office else [],
            "kinds": LINK_KINDS,
        },
    )


@role_required(Role.SUPERVISOR)
@require_POST
def prework_apply_view(request: HttpRequest, code: str) -> HttpResponse:
    """生成前期节点: the project's 前期 items from the city's template (the office)."""
    project = get_object_or_404(Project.objects.select_related("city"), code=code)
    try:
        applied = prework_apply(actor=request.user, project=project)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(
            request,
            _(
                "%(count)d 前期 nodes made, from %(start)s, to be done by %(finish)s "
                "(the day before 计划开工)."
            )
            % {
                "count": len(applied.items),
                "start": applied.first_start.isoformat(),
                "finish": applied.finish_by.isoformat(),
            },
        )
        if applied.before_project_start:
            messages.warning(
                request,
                _(
                    "The 前期 would have to start on %(start)s, before the project's start "
                    "date %(project_start)s: its first nodes cannot meet their time nodes."
                )
                % {
                    "start": applied.first_start.isoformat(),
                    "project_start": project.start_date.isoformat(),
                },
            )
    return redirect("web:project-detail", code=project.code)
