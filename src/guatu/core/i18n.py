"""Mark core messages for translation without importing Django.

The core raises errors whose messages are English message ids. They are
marked with ``gettext_noop`` so that ``makemessages`` extracts them into the
catalogues, and the Django layer translates them at the moment they are shown
(see ``guatu.web.errors.translate``).
"""

__all__ = ["gettext_noop"]


def gettext_noop(message: str) -> str:
    """Return *message* unchanged; its only job is to be found by xgettext."""
    return message
