"""What every command shares: console, error handling, the default store path."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console

from textcoop.errors import InputError, TextcoopError

DEFAULT_STORE = os.environ.get("TEXTCOOP_STORE", "textcoop.duckdb")
console = Console()
err_console = Console(stderr=True)


class State:
    verbose: bool = False
    quiet: bool = False


state = State()


def fail(message: str, code: int = 1) -> None:
    """Print one red line and exit with ``code``."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one red line (traceback only with --verbose)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except TextcoopError as exc:
            if state.verbose:
                err_console.print_exception()
            fail(str(exc), 2 if isinstance(exc, InputError) else 1)
        except KeyboardInterrupt:
            fail("interrupted; stored documents are kept, rerun to continue", 130)
        except Exception as exc:  # noqa: BLE001 - the CLI shows one line, never a traceback
            if state.verbose:
                err_console.print_exception()
            fail(
                f"unexpected {type(exc).__name__}: {exc} (rerun with --verbose for details and report it)",
                1,
            )

    return wrapper


def cell(value: Any, width: int | None = None) -> str:
    """A table value as text: missing values (None, NaN, NA) become empty strings."""
    import pandas as pd

    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return text[:width] if width else text


def refuse_overwrite(out: Any, *inputs: Any) -> None:
    """Inputs are never modified: refuse an output path that is one of them."""
    from pathlib import Path

    if out is not None and any(Path(out).resolve() == Path(i).resolve() for i in inputs):
        raise InputError(
            f"--out {out} is one of the inputs; textcoop never overwrites its inputs",
            hint="choose another output name",
        )
