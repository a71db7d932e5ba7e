"""How a ``sources.toml`` field is declared once, and read and checked from that declaration.

``records.core.config`` declares every ``[settings]`` and ``[[source]]`` field as one line of
its ``Settings`` or ``Source`` dataclass::

    parse_timeout: int = declared(600, low=1, unit="seconds", help="seconds one document ...")

The annotation is the field's type, ``declared`` holds its default, bounds and help. From
that one line come: the dataclass's default, the check of the value's TOML type (text,
whole number, number, true/false, list of text) and of its bounds or choices with the
project's message shapes (``{path}: [settings]: field 'x': must be ...``), the "unknown
field" list with its did-you-mean, and the README's fields tables
(``records.core.reference``; a test compares them). What a type and bounds cannot say (a
URL, a cron, a folder) is the field's ``check``, a function of the value.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from records.core.errors import ConfigError


@dataclass(frozen=True)
class Reading:
    """Where a value is read: for messages, and for checks that depend on the file."""

    #: The sources file.
    path: Path
    #: The message prefix: ``{path}: [settings]`` or ``{path}: source 'name'``.
    where: str
    #: ``settings`` or ``source``: the two sections word some messages differently.
    section: str
    #: The file's settings, when a source is read.
    settings: Any = None
    #: The parser names a source may use; None: not checked.
    parsers: list[str] | None = None

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.where}: field {key!r}: {problem}")


#: A field's own check: given where it is read and the value (already of the declared type),
#: the value to keep; raises ``ConfigError`` (``reading.fail``) when it is wrong.
Check = Callable[[Reading, str, Any], Any]


@dataclass(frozen=True)
class Declared:
    """What a field's annotation and default do not say."""

    help: str
    #: Smallest and largest value of a number.
    low: float | None = None
    high: float | None = None
    #: Why the bounds are what they are, said after them ("be polite").
    why: str = ""
    #: The values a text (or each item of a list) may take.
    choices: tuple[str, ...] = ()
    #: The number's unit, for the docs and messages ("seconds", "bytes").
    unit: str = ""
    #: The items of a list, in the docs and messages ("must be a list of URLs in quotes").
    items: str = ""
    #: The type as the docs name it ("URL", "cron"), where the plain one ("text") says too
    #: little; the value is still checked as its annotation says.
    kind: str = ""
    #: The default as the docs show it, where the value alone does not say it.
    shown: str = ""
    check: Check | None = None
    required: bool = False


def declared(
    default: Any = MISSING,
    *,
    help: str,
    factory: Callable[[], Any] | None = None,
    **details: Any,
) -> Any:
    """One field of ``Settings`` or ``Source``: its default (none: required) and ``Declared``."""
    metadata = {"declared": Declared(help=help, required=default is MISSING and not factory,
                                     **details)}  # fmt: skip
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Field:
    """A declared field, as validation and the docs read it."""

    name: str
    hint: Any
    default: Any
    declared: Declared

    @property
    def kind(self) -> str:
        """The type checked for: "text", "whole number", ...; "": the ``check`` alone."""
        return _KINDS.get(self.hint, "")

    @property
    def shown_kind(self) -> str:
        """The type as the docs name it."""
        return self.declared.kind or self.kind


_KINDS: dict[Any, str] = {
    str: "text",
    str | None: "text",
    int: "whole number",
    float: "number",
    bool: "true/false",
    tuple[str, ...]: "list of text",
}


@cache
def declared_fields(cls: type) -> tuple[Field, ...]:
    """The fields of ``Settings`` or ``Source`` in declaration order (a field of a type that
    none of the plain kinds covers needs a ``check``: a test holds every field to that)."""
    hints = typing.get_type_hints(cls)
    found = []
    for f in dataclasses.fields(cls):
        if "declared" not in f.metadata:
            raise TypeError(f"{cls.__name__}.{f.name}: declare it with declared(...)")
        default = f.default if f.default_factory is MISSING else f.default_factory()
        found.append(Field(f.name, hints[f.name], default, f.metadata["declared"]))
    return tuple(found)


def read_fields(cls: type, raw: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
    """The values given in ``raw`` for ``cls``'s fields, each checked; unknown and missing
    required fields are refused. Fields left out take the dataclass's default."""
    fields = {f.name: f for f in declared_fields(cls)}
    for key in raw:
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{reading.where}: unknown field {key!r}{hint}")
    for f in fields.values():
        if f.declared.required and not raw.get(f.name):
            known = reading.parsers if f.name == "parser" and reading.parsers else None
            hint = f" (known parsers: {', '.join(known)})" if known else ""
            raise reading.fail(f.name, f"missing{hint}")
    values = {}
    for key, f in fields.items():
        if key in raw:
            values[key] = read_value(f, raw[key], reading)
    return values


def read_value(f: Field, value: Any, reading: Reading) -> Any:
    """One value checked against its field's type, bounds and choices, then its ``check``."""
    d = f.declared
    kind = f.kind
    if kind == "text":
        if not isinstance(value, str):
            raise reading.fail(f.name, "must be a string in quotes")
        if d.choices and value not in d.choices:
            allowed = ", ".join(repr(c) for c in d.choices)
            raise reading.fail(f.name, f"{value!r} is not one of {allowed}")
    elif kind == "whole number":
        value = _whole(f, value, reading)
    elif kind == "number":
        value = _number(f, value, reading)
    elif kind == "true/false":
        if not isinstance(value, bool):
            raise reading.fail(f.name, f"must be true or false, without quotes (got {value!r})")
    elif kind == "list of text":
        if isinstance(value, str):
            value = [value]
        if d.choices:
            if not isinstance(value, list) or any(v not in d.choices for v in value):
                raise reading.fail(f.name, f"allowed are {', '.join(d.choices)}")
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise reading.fail(f.name, f"must be a list of {d.items or 'texts'} in quotes")
        value = tuple(value)
    return d.check(reading, f.name, value) if d.check is not None else value


def _whole(f: Field, value: Any, reading: Reading) -> int:
    d = f.declared
    whole = isinstance(value, int) and not isinstance(value, bool)
    if d.high is not None:
        if not whole or not (d.low or 0) <= value <= d.high:
            between = "or" if d.high - (d.low or 0) == 1 else "to"
            why = f" ({d.why})" if d.why else ""
            raise reading.fail(f.name, f"must be {d.low:g} {between} {d.high:g}{why}")
        return int(value)
    low = d.low if d.low is not None else -math.inf
    if reading.section == "settings":
        if not whole or value < low:
            raise reading.fail(f.name, f"must be a whole number, at least {low:g} (got {value!r})")
        return int(value)
    if not whole:
        raise reading.fail(f.name, f"must be a whole number (got {value!r})")
    if value < low:
        raise reading.fail(f.name, f"must be at least {low:g} (got {value!r})")
    return int(value)


def _number(f: Field, value: Any, reading: Reading) -> float:
    d = f.declared
    low = d.low if d.low is not None else -math.inf
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        # inf would wait forever between requests; nan compares false with everything.
        or not math.isfinite(value)
        or value < low
        or (d.high is not None and value > d.high)
    ):
        unit = f" of {d.unit}" if d.unit else ""
        bounds = f", {low:g} or more" if d.low is not None else ""
        if d.high is not None:
            bounds += f", at most {d.high:g}"
        raise reading.fail(f.name, f"must be a number{unit}, finite{bounds} (got {value!r})")
    return value
