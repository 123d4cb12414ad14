"""``python -m guatu`` is the ``guatu`` command."""

from guatu.cli import main

main()
