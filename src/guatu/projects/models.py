"""Key projects and the network of work items they are scheduled from.

Writes go through ``guatu.projects.services``; in particular links are added
there, where a cycle is refused before anything is stored.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from guatu.common.scope import CityScopedManager, UnscopedManager
from guatu.core.units import UNITS
from guatu.org.clock import city_today


def unit_choices() -> list[tuple[str, str]]:
    """Return the unit choices for a model field: stored code, label in the active language.

    The labels' Chinese translations are the symbols people write (亩, 户 …).
    """
    return [(unit.code, _(unit.label)) for unit in UNITS.values()]


class Phase(models.Model):
    """A 环节 of the work: 违建拆除, 征地, 政策处理 … (an extensible list)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


def supervision_start(city) -> date:
    """A new project comes under supervision on its city's today (its data date when the
    office judges an earlier day): red periods before it never count on the ladder. Every
    way a project is made sets it here, ``bulk_create`` included (``ledger.writing``)."""
    return city_today(city)


class Project(models.Model):
    """A 重点项目 such as 金台铁路永康段 or 石柱镇小微企业园."""

    class Calendar(models.TextChoices):
        WORKING_DAY = "working_day", _("working days (工作日)")
        CALENDAR_DAY = "calendar_day", _("calendar days (日历天)")
        WEEKLY = "weekly", _("Monday to Friday, no public holidays (imported plans)")

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("省重点")
        CITY = "city", _("市重点")
        COUNTY = "county", _("县重点")

    class Category(models.TextChoices):
        NEW = "new", _("新开工")
        CONTINUING = "continuing", _("续建")
        COMPLETING = "completing", _("竣工投产")
        PREPARATORY = "preparatory", _("前期预备")

    class Stage(models.TextChoices):
        PLANNING = "planning", _("谋划")
        STARTED = "started", _("开工")
        BUILDING = "building", _("建设")
        OPERATING = "operating", _("投产")

    city = models.ForeignKey("org.City", on_delete=models.PROTECT, related_name="projects")
    code = models.SlugField(_("code"), max_length=40)  # unique in its city
    name = models.CharField(_("name"), max_length=100)
    programme = models.CharField(
        _("programme"),
        max_length=50,
        blank=True,
        help_text=_("Groups projects of one campaign, e.g. 小微企业园."),
    )
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("target date (时间节点)"), null=True, blank=True)
    calendar = models.CharField(
        _("calendar"), max_length=12, choices=Calendar.choices, default=Calendar.CALENDAR_DAY
    )
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    # 投资调度's master data (docs/INVESTMENT.md): what the 投资项目在线审批监管平台 and
    # the office's monthly table know a project by. All optional: a city's first ledger
    # may have none of them.
    project_code = models.CharField(
        _("项目代码"),
        max_length=24,
        blank=True,
        help_text=_("The national code YYYY-AAAAAA-BB-CC-NNNNNN (GB/T 40058)."),
    )
    builder = models.CharField(_("建设单位"), max_length=100, blank=True)
    total_investment = models.DecimalField(
        _("total investment (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, blank=True)
    planned_groundbreaking = models.DateField(
        _("planned start of works (计划开工)"), null=True, blank=True
    )
    planned_completion = models.DateField(_("planned completion (计划竣工)"), null=True, blank=True)
    groundbreaking = models.DateField(
        _("actual start of works (实际开工)"),
        null=True,
        blank=True,
        help_text=_("A 新开工 project counts as started for 开工率 from this day."),
    )
    main_content = models.TextField(_("main construction content (主要建设内容)"), blank=True)
    responsible_leader = models.CharField(_("responsible leader"), max_length=50, blank=True)
    # 领导包联: the 市领导 who owns the project (a leader of its city); their home shows it
    # first, their monthly 会办 agenda lists it, its level-3 and -4 problems wait for them.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible city leader (包联市领导)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
    )
    responsible_town = models.ForeignKey(
        "org.Town",
        verbose_name=_("responsible town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_projects",
        help_text=_("The town that reports the project's monthly investment with its department."),
    )
    preparation = models.CharField(
        _("preliminary work (前期进展)"),
        max_length=200,
        blank=True,
        help_text=_("Where a project not yet started stands: 用地报批, 施工许可 …"),
    )
    geometry = models.JSONField(
        _("place on the map (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("A point, line or outline, longitude-latitude (WGS84/CGCS2000)."),
    )
    supervised_from = models.DateField(
        _("under supervision from"),
        null=True,
        blank=True,
        help_text=_(
            "The day the project came under supervision in guatu (created or imported): "
            "red periods before it never count on the accountability ladder."
        ),
    )
    # Written by schedule_recalculate, never by hand.
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True, editable=False)
    scheduled_for = models.DateField(
        _("scheduled as of (数据日期)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The data date the stored schedule runs from."),
    )
    early_finish = models.DateField(_("early finish"), null=True, blank=True, editable=False)
    calendar_uncovered_years = models.JSONField(
        _("years without official holiday data"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Dates in these years assume a plain Monday–Friday week."),
    )

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "code"],
                name="projects_project_code_once_per_city",
                violation_error_message=_("The city already has a project with this code."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=F("start_date")),
                name="projects_project_deadline_after_start",
                violation_error_message=_("The target date cannot be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["city", "project_code"],
                condition=~Q(project_code=""),
                name="projects_project_code_national_once_per_city",
                violation_error_message=_("Another project of the city has this 项目代码."),
            ),
            models.CheckConstraint(
                condition=Q(total_investment__isnull=True) | Q(total_investment__gte=0),
                name="projects_project_total_investment_not_negative",
                violation_error_message=_("The total investment cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and self.supervised_from is None:
            self.supervised_from = supervision_start(self.city)
        super().save(*args, **kwargs)


class TaskForceMember(models.Model):
    """A member of a project's 工作专班; one of them leads it."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead (组长)")
        DEPUTY = "deputy", _("deputy lead (副组长)")
        # The 五合一 of a project's 专班 (one person each, by custom; not enforced).
        RESPONSIBLE_LEADER = "leader", _("responsible leader (责任领导)")
        UNIT_HEAD = "unit_head", _("head of the lead unit (牵头单位负责人)")
        RESIDENT = "resident", _("resident officer (驻点干部)")
        OWNER_LIAISON = "owner_liaison", _("owner's liaison (业主联络人)")
        BUILDER_HEAD = "builder_head", _("construction manager (施工负责人)")
        MEMBER = "member", _("member (成员)")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="task_force")
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=80, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    unit = models.CharField(
        _("unit"),
        max_length=100,
        blank=True,
        help_text=_(
            "Where the person works when it is not one of the city's departments "
            "(the owner, the contractor)."
        ),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("task force member")
        verbose_name_plural = _("task force (工作专班)")
        ordering = ["project", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role="lead"),
                name="projects_taskforce_one_lead",
                violation_error_message=_("A task force has one lead."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}{self.name}" if self.title else self.name


#: The schedule a work item stores, computed by ``scheduling.schedule_recalculate`` (read-only
#: everywhere else: the admin shows them, the project page and the plan read them): the plan
#: as agreed (``plan_*``, what 序时进度 is measured against) and the schedule from the data date.
SCHEDULE_FIELDS = (
    "plan_start",
    "plan_finish",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
)
#: The fields a schedule is computed from: changing one reschedules the project.
SCHEDULE_INPUTS = frozenset({"duration_days", "planned_start", "deadline", "fixed", "kind"})
#: The fields of a work item that belong to an approved plan (``plan_lock``).
NODE_FIELDS = ("deadline", "duration_days")


class WorkItem(models.Model):
    """One piece of work (工作事项) or a time node (时间节点, a milestone).

    A milestone has no duration. A joint milestone (同期交付) is delivered only
    when every branch linked into it is, e.g. the railway's main line,
    connecting line and stations.
    """

    class Kind(models.TextChoices):
        TASK = "task", _("work item")
        MILESTONE = "milestone", _("milestone (时间节点)")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="work_items")
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Stable within the project; ledgers match rows by it."),
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    joint = models.BooleanField(
        _("joint delivery (同期交付)"),
        default=False,
        help_text=_("A milestone reached only when all its branches are delivered."),
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, null=True, blank=True
    )
    # A 前期 node made from the city's template (docs/PREWORK.md): the template node's
    # code, so a slipping approval is known as one (a 手续审批 problem) and the wall
    # chart draws it in its own band. Empty for every other item.
    prework_code = models.SlugField(_("前期 node"), max_length=40, blank=True)
    town = models.ForeignKey(
        "org.Town",
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_items",
    )
    villages = models.ManyToManyField(
        "org.Village", verbose_name=_("villages"), blank=True, related_name="work_items"
    )
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_work_items",
    )
    quantity_target = models.DecimalField(
        _("target quantity"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=10, choices=unit_choices, blank=True)
    planned_value = models.DecimalField(
        _("planned investment (万元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    duration_days = models.PositiveIntegerField(_("duration (days)"), default=0)
    planned_start = models.DateField(
        _("planned start (start no earlier than)"), null=True, blank=True
    )
    deadline = models.DateField(_("time node (deadline)"), null=True, blank=True)
    fixed = models.BooleanField(
        _("fixed (manually scheduled)"),
        default=False,
        help_text=_("Starts on its planned start whatever its predecessors do."),
    )
    order = models.PositiveIntegerField(_("display order"), default=0)
    geometry = models.JSONField(
        _("place on the map (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("A point, line or outline, longitude-latitude (WGS84/CGCS2000)."),
    )
    # The 倒排 schedule, written by schedule_recalculate whenever an input or the progress
    # changes: the plan with nothing reported (plan_*), then the schedule from the data date.
    plan_start = models.DateField(
        _("planned start (计划开始)"), null=True, blank=True, editable=False
    )
    plan_finish = models.DateField(
        _("planned finish (计划完成)"), null=True, blank=True, editable=False
    )
    early_start = models.DateField(_("early start"), null=True, blank=True, editable=False)
    early_finish = models.DateField(_("early finish"), null=True, blank=True, editable=False)
    late_start = models.DateField(_("late start"), null=True, blank=True, editable=False)
    late_finish = models.DateField(
        _("late finish (倒排时间节点)"), null=True, blank=True, editable=False
    )
    total_float = models.IntegerField(
        _("total float (days)"), null=True, blank=True, editable=False
    )
    free_float = models.IntegerField(_("free float (days)"), null=True, blank=True, editable=False)
    critical = models.BooleanField(_("critical"), default=False, editable=False)

    objects = CityScopedManager("project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["project", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="projects_workitem_unique_code"
            ),
            models.CheckConstraint(
                condition=~Q(kind="milestone") | Q(duration_days=0),
                name="projects_workitem_milestone_no_duration",
                violation_error_message=_("A milestone has no duration."),
            ),
            models.CheckConstraint(
                condition=Q(fixed=False) | Q(planned_start__isnull=False),
                name="projects_workitem_fixed_has_start",
                violation_error_message=_("A fixed work item needs its planned start."),
            ),
            models.CheckConstraint(
                condition=Q(joint=False) | Q(kind="milestone"),
                name="projects_workitem_joint_is_milestone",
                violation_error_message=_("Only a milestone can be a joint delivery."),
            ),
            models.CheckConstraint(
                condition=Q(quantity_target__isnull=True) | Q(quantity_target__gt=0),
                name="projects_workitem_target_positive",
                violation_error_message=_("The target quantity must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=(Q(quantity_target__isnull=True) & Q(unit=""))
                | (Q(quantity_target__isnull=False) & ~Q(unit="")),
                name="projects_workitem_target_has_unit",
                violation_error_message=_("A target quantity needs a unit, and a unit a target."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_milestone(self) -> bool:
        return self.kind == self.Kind.MILESTONE


class Dependency(models.Model):
    """A 前置关系 between two work items of one project, with a lag in days."""

    class Type(models.TextChoices):
        FS = "FS", _("finish-to-start")
        SS = "SS", _("start-to-start")
        FF = "FF", _("finish-to-finish")
        SF = "SF", _("start-to-finish")

    predecessor = models.ForeignKey(
        WorkItem,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        WorkItem,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    type = models.CharField(_("type"), max_length=2, choices=Type.choices, default=Type.FS)
    lag_days = models.IntegerField(_("lag (days)"), default=0, help_text=_("Negative for a lead."))

    objects = CityScopedManager("successor__project__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="projects_dependency_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="projects_dependency_not_self",
                violation_error_message=_("A work item cannot depend on itself."),
            ),
        ]

    def __str__(self) -> str:
        lag = f"{self.lag_days:+d}" if self.lag_days else ""
        return f"{self.predecessor} → {self.successor} ({self.type}{lag})"


class PreworkTemplate(models.Model):
    """A city's 前期 template: the approvals its projects go through before 开工
    (docs/PREWORK.md). Made from ``core.prework.DEFAULT`` on first use; the office edits it."""

    city = models.OneToOneField(
        "org.City", on_delete=models.CASCADE, related_name="prework_template"
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CityScopedManager("city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("前期 template")
        verbose_name_plural = _("前期 templates")

    def __str__(self) -> str:
        return str(_("前期 template"))


class PreworkNode(models.Model):
    """One node of a 前期 template: 项目建议书批复, 用地预审与选址意见书 …"""

    template = models.ForeignKey(PreworkTemplate, on_delete=models.CASCADE, related_name="nodes")
    code = models.SlugField(_("code"), max_length=36)
    name = models.CharField(_("name"), max_length=120)
    duration_days = models.PositiveIntegerField(_("duration (working days)"), default=0)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("要素 department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("display order"), default=0)

    objects = CityScopedManager("template__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("前期 node")
        verbose_name_plural = _("前期 nodes")
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="projects_preworknode_code")
        ]

    def __str__(self) -> str:
        return self.name


class PreworkLink(models.Model):
    """A link between two nodes of a 前期 template: in series (FS) or side by side (SS, FF)."""

    class Kind(models.TextChoices):
        FS = "FS", _("finish-to-start")
        SS = "SS", _("start-to-start")
        FF = "FF", _("finish-to-finish")

    template = models.ForeignKey(PreworkTemplate, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(
        PreworkNode, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="+"
    )
    successor = models.ForeignKey(
        PreworkNode, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=2, choices=Kind.choices, default=Kind.FS)
    lag_days = models.IntegerField(_("lag (working days)"), default=0)

    objects = CityScopedManager("template__city")
    everywhere = UnscopedManager()

    class Meta:
        verbose_name = _("前期 link")
        verbose_name_plural = _("前期 links")
        ordering = ["template", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="projects_preworklink_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="projects_preworklink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.kind})"
