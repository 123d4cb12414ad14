"""What each role may do in the admin, as Django permission groups.

Pages and the API check roles directly (DESIGN.md's table); the admin works
with Django permissions, so each staff role gets a group holding exactly the
model permissions its row of that table allows. The admin role is a
superuser and needs no group.
"""

#: role → {app_label.model: actions}
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "supervisor": {
        "org.city": ("view",),
        "org.town": ("view",),
        "org.village": ("view", "add", "change"),
        "org.department": ("view",),
        "projects.phase": ("view", "add", "change"),
        "projects.project": ("view", "add", "change"),
        "projects.taskforcemember": ("view", "add", "change", "delete"),
        "projects.workitem": ("view", "add", "change"),
        "projects.dependency": ("view",),
        "progress.progressreport": ("view",),
        "progress.blocker": ("view", "add", "change"),
        "supervision.escalationevent": ("view", "change"),
        # Parks and their units are set up in the admin; decisions go through guatu's pages.
        "parks.park": ("view", "add", "change"),
        "parks.parkunit": ("view", "add", "change"),
        "parks.enterprise": ("view", "change"),
        "parks.application": ("view",),
    },
}


def role_group_name(role: str) -> str:
    return f"role:{role}"
