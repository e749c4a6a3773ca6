"""The `pantau` console script: Django's management commands with Pantau's settings.

`pantau demo`, `pantau load_wilayah FILE`, `pantau migrate`, `pantau runserver`, ...
Two-word forms (`pantau evaluation check`) map to `evaluation_check`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    args = list(sys.argv if argv is None else argv)
    args[0] = "pantau"
    django.setup()  # get_commands() only sees the apps' commands after set-up
    if len(args) >= 3 and f"{args[1]}_{args[2]}" in get_commands():
        args[1:3] = [f"{args[1]}_{args[2]}"]
    execute_from_command_line(args)
    return 0
