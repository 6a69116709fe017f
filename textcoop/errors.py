"""Exceptions with a code, the offending value and what to do about it.

The CLI prints ``str(error)`` as one red line, so every message must say what
failed, on which value, what is allowed and what to try next.
"""

from __future__ import annotations

from collections.abc import Iterable


class TextcoopError(Exception):
    """Base class: a user-facing problem with a stable code (``E###``)."""

    code = "E000"

    def __init__(
        self,
        message: str,
        *,
        value: object = None,
        options: Iterable[str] | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.value = value
        self.options = list(options) if options is not None else None
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"[{self.code}] {self.message}"]
        if self.value is not None:
            parts.append(f"got {self.value!r}")
        if self.options:
            parts.append("valid: " + ", ".join(map(str, self.options)))
        text = "; ".join(parts)
        if self.hint:
            text += f". {self.hint}"
        return text


class InputError(TextcoopError):
    """A file or argument the user gave cannot be used."""

    code = "E100"


class ManifestError(InputError):
    """A metadata manifest (CSV) has a wrong column or value."""

    code = "E101"


class ExtractionError(TextcoopError):
    """A document could not be turned into text.

    ``reason`` is a short machine-readable code stored in the errors table
    (``encrypted``, ``corrupt``, ``empty_file``, ``unsupported``...).
    """

    code = "E200"

    def __init__(self, message: str, *, reason: str = "extract_failed", **kw: object) -> None:
        self.reason = reason
        super().__init__(message, **kw)  # type: ignore[arg-type]


class StoreError(TextcoopError):
    """The corpus store cannot be opened or used."""

    code = "E300"


class StoreBusyError(StoreError):
    """Another process holds the store's write lock."""

    code = "E301"


class NotFoundError(TextcoopError):
    """A document, page or record the user asked for does not exist."""

    code = "E400"
