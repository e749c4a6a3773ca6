"""The `pantau` console script: Django's management commands with Pantau's settings.

`pantau demo`, `pantau load_wilayah FILE`, `pantau migrate`, `pantau runserver`, ...
Two-word forms (`pantau evaluation check`) map to `evaluation_check`.

Garbage collection: Django's start creates some hundred thousand long-lived objects (modules,
classes, the app registry). The collector is off while they are made and they are then frozen
(`gc.freeze()`: kept out of every later collection), and frozen again when the command is done,
so that Python's own clean-up at exit does not walk them: together about half a second of a
short command such as `pantau backup` (bench B4). Cycles made by the command itself are still
collected as usual.
"""

from __future__ import annotations

import gc
import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    gc.disable()
    try:
        import django
        from django.core.management import execute_from_command_line, get_commands

        django.setup()  # get_commands() only sees the apps' commands after set-up
    finally:
        gc.freeze()
        gc.enable()
    args = list(sys.argv if argv is None else argv)
    args[0] = "pantau"
    if len(args) >= 3 and f"{args[1]}_{args[2]}" in get_commands():
        args[1:3] = [f"{args[1]}_{args[2]}"]
    try:
        execute_from_command_line(args)
    finally:
        gc.freeze()
    return 0
