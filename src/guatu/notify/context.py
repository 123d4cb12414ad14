"""The unread count beside the inbox link and the 待办 count in the menu, on every page.

The unread count is one COUNT query; the 待办 count is worked out only when a
page shows it (and once a page), from the same ``todo`` the home page lists.
"""

from guatu.notify.models import Notice
from guatu.notify.todo import todo_of_request


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def waiting() -> int:
        return sum(entry.count for entry in todo_of_request(request))

    return {
        "unread_notices": Notice.objects.filter(recipient=user, read_at__isnull=True).count(),
        "todo_waiting": waiting,
    }
