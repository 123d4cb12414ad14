"""The organisation workbook (组织架构表): a city, its 镇街区 and 行政村, its departments and
the people who sign in — the sheet a new city starts from.

Read like the ledger (headers by name, merged cells filled, every problem at its
cell) by ``guatu.ledger.city_setup``; written by its template and by the ledger export.
"""

from guatu.core.i18n import gettext_noop
from guatu.core.ledger.columns import Column, SheetSpec

__all__ = [
    "CALENDAR",
    "CITY",
    "DEPARTMENTS",
    "NUMBERS",
    "ORG_SHEETS",
    "ROLE_LABELS",
    "ROLE_NAMES",
    "RULES",
    "TOWNS",
    "TOWN_KINDS",
    "TOWN_KIND_LABELS",
    "USERS",
    "VILLAGES",
    "town_kind",
]

CITY = SheetSpec(
    key="city",
    title="城市",
    label=gettext_noop("City"),
    aliases=("市", "城市信息"),
    columns=(
        Column("name", "城市名称", gettext_noop("City name"), ("城市", "市名"), True, width=14),
        Column(
            "code",
            "行政区划代码",
            gettext_noop("Administrative division code"),
            ("区划代码", "行政区划"),
            True,
            width=14,
        ),
        Column("time_zone", "时区", gettext_noop("Time zone"), (), width=16),
        Column(
            "office_name",
            "发文机关",
            gettext_noop("Issuing office"),
            ("督查办", "重点办"),
            width=30,
        ),
        Column("document_prefix", "发文字号", gettext_noop("Document prefix"), (), width=14),
        Column("status_date", "数据日期", gettext_noop("Status date"), (), width=12),
    ),
)

TOWNS = SheetSpec(
    key="towns",
    title="镇街区",
    label=gettext_noop("Towns"),
    aliases=("乡镇", "镇街"),
    columns=(
        Column("name", "镇街区名称", gettext_noop("Town name"), ("镇街区", "名称"), True, width=16),
        Column("kind", "类型", gettext_noop("Kind"), (), width=8),
        Column("order", "排序", gettext_noop("Order"), ("序号",), width=6),
        # The town's outline as WKT (a GIS tool's export), for the map's plain base.
        Column("geometry", "边界", gettext_noop("Boundary"), ("边界范围", "WKT"), width=30),
    ),
)

VILLAGES = SheetSpec(
    key="villages",
    title="行政村",
    label=gettext_noop("Villages"),
    aliases=("村", "村社区"),
    columns=(
        Column("town", "所属镇街区", gettext_noop("Town"), ("镇街区",), True, width=16),
        Column(
            "name", "行政村名称", gettext_noop("Village name"), ("行政村", "村名"), True, width=16
        ),
    ),
)

DEPARTMENTS = SheetSpec(
    key="departments",
    title="部门",
    label=gettext_noop("Departments"),
    aliases=("单位", "责任单位"),
    columns=(
        Column(
            "name",
            "部门名称",
            gettext_noop("Department name"),
            ("部门", "单位名称"),
            True,
            width=24,
        ),
        Column("short_name", "简称", gettext_noop("Short name"), (), width=10),
    ),
)

USERS = SheetSpec(
    key="users",
    title="用户",
    label=gettext_noop("Users"),
    aliases=("账号", "人员"),
    columns=(
        Column("username", "登录名", gettext_noop("Username"), ("用户名", "账号"), True, width=16),
        Column("full_name", "姓名", gettext_noop("Full name"), (), width=10),
        Column("role", "角色", gettext_noop("Role"), (), True, width=10),
        Column("town", "所属镇街区", gettext_noop("Town"), ("镇街区",), width=14),
        Column("department", "所属部门", gettext_noop("Department"), ("部门",), width=20),
        Column("email", "邮箱", gettext_noop("Email"), ("电子邮箱",), width=24),
        Column(
            "mobile", "手机号", gettext_noop("Mobile"), ("手机", "手机号码", "联系电话"), width=14
        ),
    ),
)

RULES = SheetSpec(
    key="rules",
    title="亮灯规则",
    label=gettext_noop("Lighting rules"),
    aliases=("亮灯", "灯色规则"),
    columns=(
        Column("version", "版本", gettext_noop("Version"), (), True, width=6),
        Column("valid_from", "生效日期", gettext_noop("Valid from"), (), True, width=12),
        Column(
            "yellow_lag",
            "黄灯（欠序时百分点）",
            gettext_noop("Yellow above (pp)"),
            ("黄灯",),
            True,
            width=12,
        ),
        Column(
            "red_lag",
            "红灯（欠序时百分点）",
            gettext_noop("Red above (pp)"),
            ("红灯",),
            True,
            width=12,
        ),
        Column(
            "window_days", "预测窗口（天）", gettext_noop("Forecast window (days)"), (), width=10
        ),
        Column("s_curve", "S曲线", gettext_noop("S-curve"), (), width=8),
        Column(
            "ladder_reset_after",
            "问责重新起算（非红灯期数）",
            gettext_noop("Ladder starts again after (periods out of the red)"),
            ("问责重置",),
            width=12,
        ),
        Column(
            "ladder_from",
            "问责起算日期",
            gettext_noop("Ladder counts from"),
            ("问责梯度起算",),
            width=12,
        ),
        Column("note", "说明", gettext_noop("Note"), (), width=30),
    ),
)

CALENDAR = SheetSpec(
    key="calendar",
    title="日历调整",
    label=gettext_noop("Calendar exceptions"),
    aliases=("工作日调整", "节假日调整"),
    columns=(
        Column("date", "日期", gettext_noop("Date"), (), True, width=12),
        Column("working", "上班", gettext_noop("Worked"), ("是否上班",), True, width=8),
        Column("note", "说明", gettext_noop("Note"), (), width=30),
    ),
)

#: The last bulletin number of each year (a whole city's export): numbering continues after it.
NUMBERS = SheetSpec(
    key="numbers",
    title="通报编号",
    label=gettext_noop("Bulletin numbers"),
    aliases=("发文编号", "文号"),
    columns=(
        Column("year", "年度", gettext_noop("Year"), ("年份",), True, width=8),
        Column(
            "last_number",
            "最后编号",
            gettext_noop("Last number issued"),
            ("已发至", "最后一期"),
            True,
            width=10,
        ),
        Column("number_text", "文号", gettext_noop("Document number"), export_only=True, width=24),
    ),
)

ORG_SHEETS = (CITY, TOWNS, VILLAGES, DEPARTMENTS, USERS, RULES, CALENDAR, NUMBERS)

#: How a role may be written in the 角色 column → the role's key.
ROLE_NAMES = {
    "市领导": "leader",
    "领导": "leader",
    "leader": "leader",
    "督查办": "supervisor",
    "重点办": "supervisor",
    "督查办/重点办": "supervisor",
    "supervisor": "supervisor",
    "部门": "department",
    "department": "department",
    "镇街区": "town",
    "镇街": "town",
    "town": "town",
    "系统管理员": "admin",
    "管理员": "admin",
    "admin": "admin",
}

#: How a 镇街区's kind may be written → the kind's key (empty: a town).
TOWN_KINDS = {
    "": "town",
    "镇": "town",
    "town": "town",
    "街道": "subdistrict",
    "subdistrict": "subdistrict",
    "乡": "township",
    "township": "township",
    "民族乡": "ethnic",
    "ethnic": "ethnic",
    "区": "zone",
    "开发区": "zone",
    "经济开发区": "zone",
    "高新区": "zone",
    "园区": "zone",
    "zone": "zone",
}


def town_kind(text: str) -> str | None:
    """The kind's key for how a sheet writes it; a named ethnic township (畲族乡,
    回族乡 …) is an ethnic township; None for what is no township-level kind."""
    text = text.strip().lower()
    if text in TOWN_KINDS:
        return TOWN_KINDS[text]
    return "ethnic" if text.endswith("族乡") and len(text) <= 8 else None


#: How exports and the template write them back.
ROLE_LABELS = {
    "leader": "市领导",
    "supervisor": "督查办",
    "department": "部门",
    "town": "镇街区",
    "admin": "系统管理员",
}
TOWN_KIND_LABELS = {
    "town": "镇",
    "township": "乡",
    "ethnic": "民族乡",
    "subdistrict": "街道",
    "zone": "区",
}
