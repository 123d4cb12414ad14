"""Django's command dispatcher under guatu's name, with guatu's commands listed first."""

from django.core.management import ManagementUtility, get_commands

DEFAULT_SETTINGS = "guatu.settings.local"


class GuatuUtility(ManagementUtility):
    """Django's command dispatcher with guatu's commands at the top of the help."""

    def main_help_text(self, commands_only: bool = False) -> str:
        if commands_only:
            return super().main_help_text(commands_only=True)
        ours = sorted(name for name, app in get_commands().items() if app.startswith("guatu"))
        lines = [
            "guatu (挂图) — key projects driven to their deadlines from the wall chart.",
            "",
            "Usage: guatu <command> [options]; guatu help <command> for a command's options.",
            "",
            "guatu commands:",
            *(f"    {name}" for name in ours),
            "",
            f"Django commands (settings: $DJANGO_SETTINGS_MODULE, default {DEFAULT_SETTINGS}):",
            *(
                f"    {name}"
                for name, app in sorted(get_commands().items())
                if not app.startswith("guatu")
            ),
        ]
        return "\n".join(lines)
