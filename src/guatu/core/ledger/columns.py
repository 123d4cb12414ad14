"""The three sheets of a ledger and the headers people give their columns.

Headers are matched by name, not position: each column has the header guatu
writes (``header``, Chinese, as the template shows it), the English name
(``label``, a message id, so an English user's file matches too) and the other
names offices use for it (``aliases``). Names are compared after NFKC (full-
width brackets become ASCII) and without blanks or the ``*`` that marks a
required column. Columns marked ``export_only`` (lights, late dates) are
written by exports and ignored by imports.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from guatu.core.i18n import gettext_noop

__all__ = [
    "BLOCKERS",
    "ITEMS",
    "LEDGER_SHEETS",
    "PROGRESS",
    "PROJECTS",
    "SHEETS",
    "Column",
    "SheetSpec",
    "header_key",
]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    export_only: bool = False
    #: Column width in the template, in characters.
    width: int = 12

    def names(self) -> set[str]:
        return {header_key(name) for name in (self.header, self.label, *self.aliases)}


@dataclass(frozen=True, slots=True)
class SheetSpec:
    key: str
    title: str
    label: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if not column.export_only)


def header_key(text: str) -> str:
    """Return the form headers are compared in: NFKC, no blanks, no ``*``, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*]+", "", text).lower()


#: Columns that several sheets share.
PROJECT_CODE = Column(
    "project", "项目编码", gettext_noop("Project code"), ("项目代码", "项目编号"), True, width=16
)
#: A place on the map as text: WKT or "longitude, latitude" (``core.geo.text``).
GEOMETRY = Column(
    "geometry",
    "空间位置",
    gettext_noop("Place on the map"),
    ("位置", "坐标", "经纬度", "WKT"),
    width=30,
)
UNIT = Column("unit", "单位", gettext_noop("Unit"), ("计量单位",), width=8)
LIGHT = Column("light", "状态", gettext_noop("Status"), ("状态灯",), export_only=True, width=8)


PROJECTS = SheetSpec(
    key="projects",
    title="项目",
    label=gettext_noop("Projects"),
    aliases=("项目台账", "重点项目", "项目清单"),
    columns=(
        Column(
            "code",
            "项目编码",
            gettext_noop("Project code"),
            ("项目代码", "项目编号"),
            True,
            width=16,
        ),
        Column("name", "项目名称", gettext_noop("Project name"), ("项目",), True, width=28),
        Column("programme", "专项", gettext_noop("Programme"), ("所属专项", "项目类别"), width=14),
        Column(
            "owner_department",
            "牵头单位",
            gettext_noop("Lead department"),
            ("牵头部门", "责任单位", "主管部门"),
            True,
            width=16,
        ),
        Column(
            "start_date", "开工日期", gettext_noop("Start date"), ("开始日期", "计划开工"), True
        ),
        Column(
            "deadline",
            "目标日期",
            gettext_noop("Target date"),
            ("完成时限", "目标节点", "计划完成"),
        ),
        Column("calendar", "工期日历", gettext_noop("Calendar"), ("日历",), width=14),
        Column("description", "项目说明", gettext_noop("Description"), ("备注", "说明"), width=30),
        # The master data (项目信息) of 投资调度; each optional, a sheet without them still
        # reads. 项目代码 is the national code (GB/T 40058); a sheet whose only key column
        # is headed 项目代码 still has it read as 项目编码 (``workbook._match``).
        Column(
            "project_code",
            "项目代码",
            gettext_noop("National project code"),
            ("统一项目代码", "投资项目代码", "投资项目统一代码"),
            width=26,
        ),
        Column("builder", "建设单位", gettext_noop("Builder"), ("项目业主", "业主单位"), width=20),
        Column(
            "total_investment",
            "总投资（万元）",
            gettext_noop("Total investment (10k yuan)"),
            ("总投资", "项目总投资"),
            width=14,
        ),
        Column("level", "项目级别", gettext_noop("Level"), ("重点级别", "级别"), width=10),
        Column("category", "项目类型", gettext_noop("Category"), ("项目性质",), width=10),
        Column("stage", "项目阶段", gettext_noop("Stage"), ("建设阶段",), width=10),
        Column(
            "planned_groundbreaking",
            "计划开工",
            gettext_noop("Planned start of works"),
            ("计划开工时间", "计划开工日期"),
        ),
        Column(
            "planned_completion",
            "计划竣工",
            gettext_noop("Planned completion"),
            ("计划竣工时间", "计划竣工日期", "计划完工"),
        ),
        Column(
            "groundbreaking",
            "实际开工",
            gettext_noop("Actual start of works"),
            ("实际开工时间", "实际开工日期"),
        ),
        Column(
            "main_content",
            "主要建设内容",
            gettext_noop("Main construction content"),
            ("建设内容", "建设规模及内容"),
            width=36,
        ),
        Column(
            "responsible_leader",
            "责任领导",
            gettext_noop("Responsible leader"),
            ("联系领导", "包联领导", "领导包联"),
            width=12,
        ),
        Column(
            "responsible_town",
            "责任镇街",
            gettext_noop("Responsible town"),
            ("属地镇街", "所在镇街"),
            width=12,
        ),
        Column(
            "preparation",
            "前期进展",
            gettext_noop("Preliminary work"),
            ("前期工作进展", "前期情况"),
            width=24,
        ),
        GEOMETRY,
        LIGHT,
        Column("early_finish", "预计完成", gettext_noop("Expected finish"), export_only=True),
    ),
)

ITEMS = SheetSpec(
    key="items",
    title="工作事项",
    label=gettext_noop("Work items"),
    aliases=("事项", "事项台账", "工作任务", "任务清单"),
    columns=(
        PROJECT_CODE,
        Column(
            "code",
            "事项编码",
            gettext_noop("Item code"),
            ("事项代码", "事项编号", "任务编码"),
            True,
            width=14,
        ),
        Column(
            "name",
            "事项名称",
            gettext_noop("Item name"),
            ("工作事项", "任务名称", "名称"),
            True,
            width=28,
        ),
        Column("kind", "类型", gettext_noop("Kind"), ("事项类型",), width=10),
        Column("joint", "同期交付", gettext_noop("Joint delivery"), (), width=10),
        Column("phase", "环节", gettext_noop("Phase"), ("工作环节", "阶段"), width=12),
        Column(
            "town",
            "镇街",
            gettext_noop("Town"),
            ("镇(街道)", "镇街区", "所属镇街", "乡镇", "镇"),
            width=10,
        ),
        Column(
            "villages", "行政村", gettext_noop("Villages"), ("涉及村", "村", "涉及行政村"), width=24
        ),
        Column(
            "owner_department",
            "责任单位",
            gettext_noop("Owner department"),
            ("责任部门",),
            width=14,
        ),
        Column(
            "quantity",
            "目标数量",
            gettext_noop("Target quantity"),
            ("任务量", "工作量", "数量"),
            width=12,
        ),
        UNIT,
        Column(
            "planned_value",
            "计划投资（万元）",
            gettext_noop("Planned investment (10k yuan)"),
            ("计划投资", "投资额", "总投资(万元)"),
            width=14,
        ),
        Column(
            "duration",
            "工期（天）",
            gettext_noop("Duration (days)"),
            ("工期", "持续时间"),
            width=10,
        ),
        Column(
            "planned_start", "计划开始", gettext_noop("Planned start"), ("开始日期", "计划开工")
        ),
        Column(
            "deadline",
            "时间节点",
            gettext_noop("Time node"),
            ("完成时限", "截止日期", "节点时间", "计划完成"),
        ),
        Column("fixed", "固定开始", gettext_noop("Fixed start"), ("固定",), width=10),
        Column(
            "predecessors", "前置事项", gettext_noop("Predecessors"), ("紧前事项", "前置"), width=18
        ),
        GEOMETRY,
        LIGHT,
        Column("percent", "完成率（%）", gettext_noop("Complete (%)"), export_only=True, width=10),
        Column("early_start", "最早开始", gettext_noop("Early start"), export_only=True),
        Column("early_finish", "最早完成", gettext_noop("Early finish"), export_only=True),
        Column("late_start", "最迟开始", gettext_noop("Late start"), export_only=True),
        Column("late_finish", "最迟完成", gettext_noop("Late finish"), export_only=True),
        Column(
            "total_float",
            "总时差（天）",
            gettext_noop("Total float (days)"),
            export_only=True,
            width=10,
        ),
        Column("critical", "关键事项", gettext_noop("Critical"), export_only=True, width=10),
    ),
)

PROGRESS = SheetSpec(
    key="progress",
    title="进度",
    label=gettext_noop("Progress"),
    aliases=("进度填报", "进度台账", "推进情况"),
    columns=(
        PROJECT_CODE,
        Column(
            "item",
            "事项编码",
            gettext_noop("Item code"),
            ("事项代码", "事项编号", "任务编码"),
            True,
            width=14,
        ),
        Column(
            "item_name",
            "事项名称",
            gettext_noop("Item name"),
            ("工作事项", "任务名称"),
            export_only=True,
            width=28,
        ),
        Column(
            "reported_on", "填报日期", gettext_noop("As of"), ("截至日期", "日期", "统计日期"), True
        ),
        Column(
            "quantity",
            "累计完成",
            gettext_noop("Done (cumulative)"),
            ("累计完成数量", "完成数量", "累计完成量"),
            width=12,
        ),
        UNIT,
        Column(
            "percent",
            "完成率（%）",
            gettext_noop("Complete (%)"),
            ("完成比例", "完成进度", "进度(%)"),
            width=10,
        ),
        Column("note", "说明", gettext_noop("Note"), ("备注", "情况说明"), width=30),
        Column(
            "above_target",
            "超出目标",
            gettext_noop("Above target"),
            ("超目标",),
            width=10,
        ),
        Column(
            "correction_reason", "更正原因", gettext_noop("Reason for the correction"), (), width=20
        ),
        Column(
            "corrected",
            "更正前",
            gettext_noop("Before the correction"),
            export_only=True,
            width=22,
        ),
        # An above-target report's review: the office may confirm or reject it here too.
        Column("review", "核实情况", gettext_noop("Review"), ("核实结果",), width=12),
        Column("review_note", "核实意见", gettext_noop("Review note"), (), width=24),
    ),
)

#: The 卡点 (blockers) of a whole city's ledger: live work that moves with the city.
BLOCKERS = SheetSpec(
    key="blockers",
    title="卡点",
    label=gettext_noop("Blockers"),
    aliases=("卡点问题", "问题清单"),
    columns=(
        PROJECT_CODE,
        Column(
            "item",
            "事项编码",
            gettext_noop("Item code"),
            ("事项代码", "事项编号", "任务编码"),
            True,
            width=14,
        ),
        Column(
            "item_name",
            "事项名称",
            gettext_noop("Item name"),
            ("工作事项", "任务名称"),
            export_only=True,
            width=28,
        ),
        Column(
            "description",
            "卡点描述",
            gettext_noop("Blocker"),
            ("卡点", "问题描述", "存在问题"),
            True,
            width=36,
        ),
        Column(
            "owner_department",
            "责任部门",
            gettext_noop("Owner department"),
            ("责任单位",),
            True,
            width=20,
        ),
        Column("person", "责任人", gettext_noop("Person responsible"), (), True, width=10),
        Column("opened_on", "提出日期", gettext_noop("Opened on"), ("发现日期",), True),
        Column("due_on", "限期", gettext_noop("Due on"), ("办结时限", "解决时限"), True),
        Column("status", "状态", gettext_noop("Status"), ("卡点状态", "办理状态"), width=10),
        Column("resolution", "解决情况", gettext_noop("Resolution"), (), width=30),
        Column("resolved_on", "解决日期", gettext_noop("Resolved on"), ("销号日期",)),
    ),
)

#: The template's sheets; a whole city's export adds 卡点 and its organisation.
SHEETS = (PROJECTS, ITEMS, PROGRESS)
#: Every sheet a ledger import reads.
LEDGER_SHEETS = (*SHEETS, BLOCKERS)

#: The list of enterprises applying to a park (入园申请), screened in one batch.
APPLICANTS = SheetSpec(
    key="applicants",
    title="入园申请",
    label=gettext_noop("Applicants"),
    aliases=("申请企业", "企业名单", "入园企业"),
    columns=(
        Column(
            "name", "企业名称", gettext_noop("Enterprise"), ("企业", "单位名称"), True, width=28
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            gettext_noop("Unified social credit code"),
            ("信用代码", "社会信用代码"),
            True,
            width=22,
        ),
        Column(
            "industry",
            "行业代码",
            gettext_noop("Industry code"),
            ("行业", "国民经济行业代码"),
            True,
        ),
        Column("year", "年份", gettext_noop("Year"), ("数据年份",), width=8),
        Column("tax", "税收（万元）", gettext_noop("Tax (10k yuan)"), ("实缴税金", "税收"), True),
        Column(
            "output",
            "产值（万元）",
            gettext_noop("Output (10k yuan)"),
            ("工业产值", "营业收入", "产值"),
            True,
        ),
        Column(
            "value_added",
            "增加值（万元）",
            gettext_noop("Value added (10k yuan)"),
            ("工业增加值", "增加值"),
            True,
        ),
        Column(
            "energy", "能耗（吨标准煤）", gettext_noop("Energy (tce)"), ("综合能耗", "能耗"), True
        ),
        Column("employees", "从业人数", gettext_noop("Employees"), ("职工人数", "员工数"), True),
        Column(
            "rd", "研发投入（万元）", gettext_noop("R&D (10k yuan)"), ("研发经费", "研发投入"), True
        ),
        Column(
            "land_mu",
            "现用地（亩）",
            gettext_noop("Land used now (mu)"),
            ("用地面积", "现有用地"),
            True,
        ),
        Column(
            "floor_area",
            "申请面积（㎡）",
            gettext_noop("Floor area requested (m²)"),
            ("申请面积", "需求面积"),
            True,
        ),
        Column(
            "investment",
            "计划投资（万元）",
            gettext_noop("Planned investment (10k yuan)"),
            ("投资额", "计划投资"),
            True,
        ),
        Column(
            "environment_ok",
            "环保无违法",
            gettext_noop("Clean environmental record"),
            ("环保", "环保记录"),
            width=10,
        ),
        Column(
            "safety_ok",
            "安全无事故",
            gettext_noop("Clean safety record"),
            ("安全", "安全记录"),
            width=10,
        ),
    ),
)
