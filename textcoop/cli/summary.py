"""The 'what went wrong' block printed at the end of every batch command.

A batch over thousands of files must end with something a person can act on:
how many items failed for each reason, the first few of each with the reason
in plain words, and the command that lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable

from textcoop.cli.common import console


def what_went_wrong(
    items: Iterable[tuple[str, str, str]],
    see_all: str,
    title: str = "What went wrong",
    first: int = 3,
    style: str = "red",
) -> dict[str, int]:
    """Print (item, reason code, message) grouped by reason; returns the counts by reason."""
    by_code: dict[str, list[tuple[str, str]]] = {}
    for item, code, msg in items:
        by_code.setdefault(code, []).append((item, msg))
    if not by_code:
        return {}
    console.print(f"[{style}]{title}[/{style}]", highlight=False)
    for code, rows in sorted(by_code.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        console.print(f"  {code}: {len(rows)}", highlight=False)
        for item, msg in rows[:first]:
            console.print(f"    {item}: {msg}", highlight=False)
        if len(rows) > first:
            console.print(f"    ... and {len(rows) - first} more", highlight=False)
    console.print(f"  see all: {see_all}", highlight=False)
    return {code: len(rows) for code, rows in by_code.items()}
