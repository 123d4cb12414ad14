"""The ranked result sheet of a park's screening (入园评价结果), as Excel."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from guatu.common.spreadsheet import book_properties, safe_row
from guatu.core.admission import indicators
from guatu.parks.models import Park
from guatu.parks.selectors import applications_ranked
from guatu.parks.services import figures_of

HEADERS = [
    "排名",
    "企业名称",
    "统一社会信用代码",
    "行业代码",
    "亩均税收（万元/亩）",
    "亩均增加值（万元/亩）",
    "单位能耗增加值（万元/吨标准煤）",
    "全员劳动生产率（万元/人）",
    "研发投入占比（%）",
    "综合得分",
    "等级",
    "准入结论",
    "未通过的条件",
    "准入条件版本",
    "状态",
]
WIDTHS = [6, 30, 22, 10, 12, 12, 14, 12, 10, 10, 6, 10, 50, 10, 16]


def _round(value: float) -> float | None:
    return None if value != value else round(value, 2)


def screening_workbook(park: Park) -> bytes:
    """Every application of *park* with its latest evaluation, ranked: admitted first, by score."""
    book = Workbook()
    sheet = book.active
    sheet.title = "入园评价"
    heading = _("%(park)s: admission and 亩均 grading") % {"park": park.name}
    book_properties(book, creator=park.city.issuer, title=heading)
    sheet.append(safe_row(sheet, [heading]))
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    sheet.freeze_panes = "C3"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width + 2
    for rank, application in enumerate(applications_ranked(park), start=1):
        evaluation = application.latest
        values = indicators(figures_of(application))
        failed = (
            "；".join(
                f"{_(r['label'])} {r['value']}（{r['threshold']}）" for r in evaluation.failed
            )
            if evaluation
            else ""
        )
        sheet.append(
            safe_row(
                sheet,
                [
                    rank,
                    application.enterprise.name,
                    application.enterprise.credit_code,
                    application.enterprise.industry,
                    _round(values["tax_per_mu"]),
                    _round(values["value_added_per_mu"]),
                    _round(values["value_added_per_energy"]),
                    _round(values["labour_productivity"]),
                    _round(values["rd_share"]),
                    float(evaluation.score) if evaluation else None,
                    evaluation.grade if evaluation else None,
                    (_("admitted") if evaluation.admitted else _("not admitted"))
                    if evaluation
                    else None,
                    failed,
                    f"v{evaluation.criteria.version}" if evaluation else None,
                    application.get_status_display(),
                ],
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
