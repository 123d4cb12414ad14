"""What each audited action is called, for the people who read the log.

The log stores a stable code per action (``report_submit``); the admin's
list, its filter and an entry's text show these words instead. A code
without a label still shows, marked as such, rather than disappearing.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = ["ACTIONS", "CHANNELS", "action_label", "channel_label"]

ACTIONS = {
    "agenda_read": _("leader's monthly agenda (会办议程) opened"),
    "adjustment_apply": _("node adjustment applied to the plan"),
    "adjustment_attach": _("evidence attached to a node adjustment"),
    "adjustment_decide": _("node adjustment decided"),
    "adjustment_propose": _("node adjustment proposed"),
    "adjustment_refuse": _("node adjustment refused by the office"),
    "adjustment_return": _("node adjustment returned for revision"),
    "adjustment_review": _("node adjustment reviewed"),
    "adjustment_revise": _("node adjustment revised and resubmitted"),
    "adjustment_withdraw": _("node adjustment withdrawn by its proposer"),
    "admin": _("administration page"),
    "application_evaluate": _("park application evaluated"),
    "application_read": _("park application read"),
    "applications_screen": _("park applications screened"),
    "baseline_freeze": _("baseline frozen"),
    "blocker_escalate": _("next level of coordination asked for"),
    "blocker_open": _("blocker opened"),
    "blocker_resolve": _("blocker resolved"),
    "problem_assign": _("problem assigned (交办单 issued)"),
    "place_set": _("place on the map set"),
    "places_import": _("map file imported"),
    "problem_reply": _("problem answered (反馈)"),
    "problem_close": _("problem verified and closed (销号)"),
    "problem_return": _("problem answer returned"),
    "problem_raise": _("problem raised to the next level"),
    "problem_decline": _("next level declined"),
    "problem_instruct": _("leader's instruction on a problem (批示)"),
    "problem_rules": _("problem rules changed"),
    "bulletin_draft": _("bulletin drafted"),
    "bulletin_publish": _("bulletin published"),
    "bulletin_rung_decide": _("proposed rung kept, lowered or struck"),
    "notice_template_save": _("notice text changed"),
    "calendar_exception_delete": _("calendar exception removed"),
    "calendar_exception_save": _("calendar exception saved"),
    "city_init": _("city set up from its workbook"),
    "dependencies_add": _("links added"),
    "dependency_remove": _("link removed"),
    "escalation_read": _("accountability rung opened"),
    "escalation_resolve": _("accountability case closed"),
    "estimate_clear": _("three-point estimate removed"),
    "estimate_set": _("three-point estimate set"),
    "evidence_accept": _("evidence accepted"),
    "grading_change": _("park grading changed"),
    "intake_read": _("newspaper page read in"),
    "investment_confirmation_read": _("形象进度确认单 opened"),
    "investment_correct": _("monthly investment corrected"),
    "investment_exemption": _("unit exempted from the 红黑榜"),
    "investment_flag_clear": _("statistics check cleared"),
    "investment_plan": _("annual investment plan set"),
    "investment_remind": _("monthly investment reminder sent"),
    "investment_report": _("monthly investment reported"),
    "investment_review": _("monthly investment report reviewed"),
    "investment_review_list": _("the office's investment lists read"),
    "investment_rules": _("investment rules changed"),
    "investment_workbook_import": _("月报 workbook imported"),
    "joint_milestone_create": _("joint time node created"),
    "ledger_import": _("ledger imported"),
    "not_found": _("asked for something not there (or of another city)"),
    "notice_reply": _("notice answered (整改反馈)"),
    "notice_reply_read": _("answer to a notice read"),
    "notify_preferences_save": _("notification preferences saved"),
    "notify_robot_delete": _("group robot removed"),
    "notify_robot_save": _("group robot saved"),
    "notify_unreported_remind": _("units not yet reported reminded"),
    "notify_rules_save": _("notification rules saved"),
    "park_criteria_change": _("park criteria changed"),
    "park_manage": _("park managed"),
    "park_results": _("park results downloaded"),
    "photo_read": _("site photo viewed"),
    "project_create": _("project created"),
    "project_import_mspdi": _("plan imported from Microsoft Project"),
    "project_update": _("project changed"),
    "public_approval_add": _("approval recorded for the public page"),
    "public_approval_remove": _("approval removed from the public page"),
    "public_disclose": _("project put on or taken off the public page"),
    "public_photo_choose": _("photo of a month chosen for the public page"),
    "public_publish": _("month published on the public page"),
    "prework_apply": _("前期 nodes made from the template"),
    "prework_template_save": _("前期 template changed"),
    "report_correct": _("progress report corrected"),
    "report_form": _("progress report form opened"),
    "report_review": _("above-target report reviewed"),
    "report_submit": _("progress reported"),
    "rules_change": _("light rules changed"),
    "screen_view": _("big screen opened"),
    "screen_token_create": _("big-screen link created"),
    "screen_token_revoke": _("big-screen link revoked"),
    "task_force_save": _("task force (工作专班) changed"),
    "unit_allocate": _("park unit allocated"),
    "work_item_create": _("work item created"),
    "work_item_update": _("work item changed"),
    "write_from_above": _("write refused: the level above reads the cities only"),
}

CHANNELS = {"web": _("web page"), "api": _("API"), "cli": _("command line")}


def action_label(code: str) -> str:
    """The action's name in the reader's language (a page refused names its view)."""
    if code.startswith("page:"):
        return gettext("page %(view)s") % {"view": code.removeprefix("page:")}
    label = ACTIONS.get(code)
    return str(label) if label is not None else gettext("unnamed action %(code)s") % {"code": code}


def channel_label(code: str) -> str:
    label = CHANNELS.get(code)
    return str(label) if label is not None else code
