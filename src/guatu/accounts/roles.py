"""What each role may do in the admin, as Django permission groups.

Pages and the API check roles directly (DESIGN.md's table); the admin works
with Django permissions, so each staff role gets a group holding exactly the
model permissions its row of that table allows. A city's administrator
manages its users and organisation; only the deployment's operator is a
superuser.
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
    "admin": {
        "accounts.user": ("view", "add", "change"),
        "org.city": ("view", "change"),
        "org.town": ("view", "add", "change"),
        "org.village": ("view", "add", "change"),
        "org.department": ("view", "add", "change"),
        "org.calendarexception": ("view", "add", "change", "delete"),
    },
}


def role_group_name(role: str) -> str:
    return f"role:{role}"


def grant_role_permissions(apps, *, app_label: str | None = None) -> None:
    """Give each role's group its permissions (only those of *app_label* if given).

    Called from migrations with their historical *apps*; the permissions
    themselves are normally created after all migrations, so they are made here.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        for label, actions in models.items():
            model_app, model = label.split(".")
            if app_label is not None and model_app != app_label:
                continue
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=model_app,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
