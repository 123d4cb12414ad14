"""The problem's life per role: 交办 → 反馈 → 核实销号 or 退回, levels one rung at a time."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guatu.audit.models import AuditEntry
from guatu.notify.models import Notice
from guatu.org.models import City, Department
from guatu.problems import services
from guatu.problems.models import ProblemStep
from guatu.problems.selectors import number_text, problem_facts, proposals
from guatu.progress.models import Blocker
from tests.problems.conftest import TODAY

Step = ProblemStep.Kind


def assign(blocker, actor, **overrides):
    fields = {
        "category": "clearance",
        "level": 1,
        "action_required": "11月29日前完成签约",
        "owner_department": blocker.owner_department,
        "responsible_person": "石柱镇副镇长",
        "due_on": date(2019, 11, 29),
    }
    return services.problem_assign(actor=actor, blocker=blocker, **{**fields, **overrides})


def inbox(user) -> list[str]:
    return list(Notice.objects.filter(recipient=user).values_list("title", flat=True))


def test_the_loop_reaches_each_next_person(blocker, users):
    office, dept, town = users["supervisor"], users["department"], users["town"]
    # Reported by the town: its first step, and the office hears it is to 交办.
    assert [s.kind for s in blocker.steps.all()] == [Step.REPORTED]
    assert any("Problem to assign" in t or "待交办" in t for t in inbox(office))

    for actor in (town, dept, users["leader"], users["admin"]):
        with pytest.raises(PermissionDenied):
            assign(blocker, actor)
    assign(blocker, office)
    blocker.refresh_from_db()
    assert (blocker.year, blocker.number, blocker.assigned_on) == (2019, 1, TODAY)
    assert number_text(blocker) == "测重点办交〔2019〕1号"
    # The unit hears of its 交办单 (its department's people and its town's).
    assert inbox(dept) and inbox(town)

    with pytest.raises(PermissionDenied):
        services.problem_reply(actor=users["leader"], blocker=blocker, text="x")
    services.problem_reply(actor=dept, blocker=blocker, text="已签约2户")
    blocker.refresh_from_db()
    assert blocker.status == Blocker.Status.REPLIED and blocker.first_reply_on == TODAY
    with pytest.raises(ValidationError):  # waiting for the office: no second answer
        services.problem_reply(actor=dept, blocker=blocker, text="又签1户")

    for actor in (town, dept, users["leader"]):
        with pytest.raises(PermissionDenied):
            services.problem_return(actor=actor, blocker=blocker, reason="x")
        with pytest.raises(PermissionDenied):
            services.problem_close(actor=actor, blocker=blocker, text="x")
    with pytest.raises(ValidationError) as error:
        services.problem_return(actor=office, blocker=blocker, reason="  ")
    assert "reason" in error.value.message_dict
    services.problem_return(actor=office, blocker=blocker, reason="还有1户未签约")
    blocker.refresh_from_db()
    assert blocker.status == Blocker.Status.OPEN
    assert any("还有1户未签约" in n.body for n in Notice.objects.filter(recipient=dept))

    services.problem_reply(actor=town, blocker=blocker, text="3户全部签约")
    services.problem_close(actor=office, blocker=blocker, text="现场核实，予以销号")
    blocker.refresh_from_db()
    assert (blocker.status, blocker.resolved_on) == (Blocker.Status.RESOLVED, TODAY)
    assert blocker.first_reply_on == TODAY  # the first answer's day stays
    assert [s.kind for s in blocker.steps.order_by("at", "id")] == [
        Step.REPORTED,
        Step.ASSIGNED,
        Step.REPLIED,
        Step.RETURNED,
        Step.REPLIED,
        Step.CLOSED,
    ]
    # The one who reported it learns the outcome.
    assert any("销号" in t or "closed" in t for t in inbox(town))
    # Every step audited, the refusals too.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"problem_assign", "problem_reply", "problem_return", "problem_close"} <= actions
    assert AuditEntry.objects.filter(action="problem_assign", allowed=False).count() == 4


def test_a_problem_is_assigned_once_and_numbers_follow_in_the_citys_year(blocker, users, item):
    office = users["supervisor"]
    assign(blocker, office)
    with pytest.raises(ValidationError):
        assign(blocker, office)
    second = Blocker.objects.create(
        work_item=item,
        owner_department=blocker.owner_department,
        responsible_person="x",
        description="管线迁改",
        opened_on=TODAY,
        due_on=TODAY,
    )
    assign(second, office)
    second.refresh_from_db()
    assert second.number == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "nonsense"),
        ("level", 5),
        ("action_required", ""),
        ("action_required", "x" * 2001),
        ("responsible_person", "\x00"),
        ("due_on", date(2019, 11, 14)),
        ("due_on", date(9999, 12, 31)),
    ],
)
def test_a_bad_assignment_names_its_field_and_writes_nothing(blocker, users, field, value):
    with pytest.raises(ValidationError) as error:
        assign(blocker, users["supervisor"], **{field: value})
    assert field in error.value.message_dict
    blocker.refresh_from_db()
    assert blocker.number is None and blocker.steps.count() == 1


def test_another_citys_department_is_refused(blocker, users):
    other = City.objects.create(name="别市", code="330100")
    foreign = Department.objects.create(city=other, name="别市交通局", short_name="别交通")
    with pytest.raises(ValidationError) as error:
        assign(blocker, users["supervisor"], owner_department=foreign)
    assert "owner_department" in error.value.message_dict


def test_levels_are_proposed_then_recorded_one_rung_at_a_time(blocker, users):
    office, town = users["supervisor"], users["town"]
    assign(blocker, office, due_on=TODAY)  # due today: not overdue, nothing proposed
    blocker.refresh_from_db()
    assert proposals(blocker.work_item.project.city, TODAY) == []
    with pytest.raises(ValidationError):
        services.problem_raise(actor=office, blocker=blocker)

    # The day after its 时限: proposed for level 2 — proposed, not recorded.
    tomorrow = date(2019, 11, 16)
    assert [b.pk for b in proposals(blocker.work_item.project.city, tomorrow)] == [blocker.pk]
    blocker.refresh_from_db()
    assert blocker.level == 1

    # The unit asks; the office records it: level 2, with the level's working days.
    services.problem_request_level(actor=town, blocker=blocker, reason="需局主要领导协调")
    with pytest.raises(ValidationError):  # asked once
        services.problem_request_level(actor=town, blocker=blocker, reason="again")
    with pytest.raises(PermissionDenied):
        services.problem_raise(actor=town, blocker=blocker)
    services.problem_raise(actor=office, blocker=blocker)
    blocker.refresh_from_db()
    # Level 2 gives 7 working days from Friday 11-15: 18, 19, 20, 21, 22, 25, 26.
    assert (blocker.level, blocker.due_on, blocker.escalation_requested) == (
        2,
        date(2019, 11, 26),
        False,
    )
    # Nothing proposed now: the ladder never skips a rung.
    with pytest.raises(ValidationError):
        services.problem_raise(actor=office, blocker=blocker)

    # Asked again, declined with a reason: the level stays, the one who asked hears why.
    services.problem_request_level(actor=town, blocker=blocker, reason="仍未解决")
    with pytest.raises(ValidationError) as error:
        services.problem_decline(actor=office, blocker=blocker, reason="")
    assert "reason" in error.value.message_dict
    services.problem_decline(actor=office, blocker=blocker, reason="本级可解决")
    blocker.refresh_from_db()
    assert (blocker.level, blocker.escalation_requested) == (2, False)
    assert any("本级可解决" in n.body for n in Notice.objects.filter(recipient=town))


def test_a_leader_instructs_only_at_level_3_or_4_and_hears_of_it(blocker, users, project):
    office, leader = users["supervisor"], users["leader"]
    project.leader = leader
    project.save()
    assign(blocker, office, level=2)
    with pytest.raises(ValidationError):
        services.problem_instruct(actor=leader, blocker=blocker, text="抓紧")
    services.problem_request_level(actor=users["town"], blocker=blocker, reason="需市领导协调")
    services.problem_raise(actor=office, blocker=blocker, due_on=date(2019, 11, 22))
    blocker.refresh_from_db()
    assert blocker.level == 3
    assert any("instruction" in t or "批示" in t for t in inbox(leader))
    for actor in (office, users["town"], users["department"]):
        with pytest.raises(PermissionDenied):
            services.problem_instruct(actor=actor, blocker=blocker, text="x")
    services.problem_instruct(actor=leader, blocker=blocker, text="请自然资源局牵头，一周内解决")
    assert Notice.objects.filter(recipient=leader, read_at__isnull=True).count() == 0
    assert any("一周内解决" in n.body for n in Notice.objects.filter(recipient=office))


def test_colours_follow_the_rules_on_hand_made_dates(blocker, users, item):
    city = item.project.city
    office = users["supervisor"]
    assign(blocker, office, due_on=date(2019, 11, 29))

    def colour(day):
        fresh = Blocker.objects.get(pk=blocker.pk)
        return problem_facts([fresh], city=city, today=day)[fresh.pk].colour

    # 11-29 is 10 working days after 11-15: no colour; on 11-22 it is 5 away: blue.
    # (The item is not yet due to start, so it is not behind.)
    assert colour(date(2019, 11, 15)) == ""
    assert colour(date(2019, 11, 22)) == "blue"
    assert colour(date(2019, 11, 29)) == "blue"
    assert colour(date(2019, 11, 30)) == "red"
    services.problem_reply(actor=users["department"], blocker=blocker, text="已签约2户")
    services.problem_return(actor=office, blocker=blocker, reason="未全部签约")
    assert colour(date(2019, 11, 15)) == "yellow"  # returned as not good enough
    services.problem_reply(actor=users["department"], blocker=blocker, text="全部签约")
    services.problem_close(actor=office, blocker=blocker, text="核实")
    assert colour(date(2019, 12, 31)) == ""  # closed: no colour


def test_the_rules_are_the_citys_and_checked(today_city, users):
    office = users["supervisor"]
    with pytest.raises(PermissionDenied):
        services.rules_change(
            actor=users["leader"],
            city=today_city,
            categories=[("land", "用地")],
            level_names=["一", "二", "三", "四"],
            level_days=[5, 5, 5, 5],
            blue_days=3,
        )
    with pytest.raises(ValidationError) as error:
        services.rules_change(
            actor=office,
            city=today_city,
            categories=[("land", "用地"), ("land", "林地")],
            level_names=["一", "二", "三"],
            level_days=[5, 5, 5, 9999],
            blue_days=61,
            valid_from=date(2019, 11, 1),
        )
    assert set(error.value.message_dict) == {
        "categories",
        "level_names",
        "level_days",
        "blue_days",
        "valid_from",
    }
    rules = services.rules_change(
        actor=office,
        city=today_city,
        categories=[("land", "用地"), ("other", "其他")],
        level_names=["一级", "二级", "三级", "四级"],
        level_days=[3, 3, 3, 3],
        blue_days=2,
    )
    assert rules.version == 1


def test_an_answer_is_to_a_assignment_and_dates_are_bounded(blocker, users):
    """Seen in review: an answer before 交办 made negative 督查考核 days; a raise could
    store year 9999; a control character broke every Word file."""
    office = users["supervisor"]
    with pytest.raises(ValidationError):
        services.problem_reply(actor=users["department"], blocker=blocker, text="已签约")
    with pytest.raises(ValidationError) as error:
        assign(blocker, office, action_required="完成\x01签约")
    assert "action_required" in error.value.message_dict
    assign(blocker, office)
    services.problem_request_level(actor=users["town"], blocker=blocker, reason="需协调")
    for day in (date(9999, 12, 31), date(2019, 11, 14)):
        with pytest.raises(ValidationError) as error:
            services.problem_raise(actor=office, blocker=blocker, due_on=day)
        assert "due_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.problem_decline(actor=office, blocker=blocker, reason="x", due_on=day)
        assert "due_on" in error.value.message_dict


def test_the_leader_hears_of_a_problem_assigned_at_level_3_and_a_close_settles_all(
    blocker, users, project
):
    project.leader = users["leader"]
    project.save()
    office = users["supervisor"]
    assign(blocker, office, level=3)
    assert Notice.objects.filter(recipient=users["leader"], read_at__isnull=True).count() == 1
    services.problem_close(actor=office, blocker=blocker, text="协调会已解决")
    for who in ("leader", "department", "town"):
        calls = Notice.objects.filter(recipient=users[who], read_at__isnull=True)
        assert not calls.exclude(title__contains="销号").exclude(title__contains="closed"), who
