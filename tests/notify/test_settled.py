"""A call to act is settled by exactly its own event."""

from guatu.notify.models import Notice


def test_settling_one_reports_call_leaves_another_whose_number_starts_alike(city, users):
    """The office's 待核实 notice of report 1 was marked read when report 12 (or 10, 13 …)
    was reviewed: the settling matched event keys by their beginning."""
    from guatu.notify.services import notice_settled

    office = users["supervisor"]
    for event in ("review:1", "review:12"):
        Notice.objects.create(
            recipient=office, kind="review", event=event, title="待核实", body="…"
        )
    assert notice_settled("review:1") == 1
    assert Notice.objects.get(event="review:12").read_at is None
