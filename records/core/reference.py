"""The README's tables of ``sources.toml`` fields, produced from their declarations in
``records.core.config`` (a test checks that the README holds exactly these).

``python -m records.core.reference`` prints them; ``--write README.md`` puts them in place,
between the README's ``<!-- fields:settings -->`` / ``<!-- fields:source -->`` markers and
their ``<!-- /fields -->``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from records.core.config import SETTINGS, SOURCE_FIELDS
from records.core.fields import Field, declared_fields

#: The README's sections, by marker name.
SECTIONS: dict[str, tuple[Field, ...]] = {"settings": SETTINGS, "source": SOURCE_FIELDS}


def table(fields: type | tuple[Field, ...]) -> str:
    """One Markdown table (field, type, default, allowed values, meaning) of these fields, or
    of a dataclass's declared ones."""
    if isinstance(fields, type):
        fields = declared_fields(fields)
    lines = ["| field | type | default | allowed | meaning |", "| --- | --- | --- | --- | --- |"]
    for f in fields:
        lines.append(
            f"| `{f.name}` | {_kind(f)} | {_default(f)} | {_allowed(f)}"
            f" | {_escape(f.declared.help)} |"
        )
    return "\n".join(lines) + "\n"


def block(section: str) -> str:
    """A section's table between its markers, as the README holds it."""
    return f"<!-- fields:{section} -->\n{table(SECTIONS[section])}<!-- /fields -->"


def _default(f: Field) -> str:
    d = f.declared
    if d.required:
        return "required"
    if d.shown:
        return d.shown if d.shown.startswith("`") else _escape(d.shown)
    value = f.default
    if value is None or value == {}:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, tuple):
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    shown = f"`{value}`"
    if d.unit == "bytes" and value >= 1024 * 1024:
        return f"{shown} ({value / (1024 * 1024):g} MiB)"
    return shown


def _kind(f: Field) -> str:
    d = f.declared
    if f.kind == "list of text" and d.items:
        return f"list of {d.items}"
    return f"{f.shown_kind}, {d.unit}" if d.unit else f.shown_kind


def _allowed(f: Field) -> str:
    d = f.declared
    if d.choices:
        return ", ".join(f"`{c}`" for c in d.choices)
    if d.low is not None and d.high is not None:
        between = "or" if d.high - d.low == 1 else "to"
        return f"{d.low:g} {between} {d.high:g}"
    if d.low is not None:
        return f"{d.low:g} or more"
    return ""


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def refresh(text: str) -> str:
    """``text`` (a README) with every section's table replaced by the current one."""
    for section in SECTIONS:
        pattern = re.compile(rf"<!-- fields:{section} -->\n.*?<!-- /fields -->", re.S)
        found = pattern.search(text)
        if found is None:
            raise ValueError(f"no <!-- fields:{section} --> ... <!-- /fields --> block")
        text = text[: found.start()] + block(section) + text[found.end() :]
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m records.core.reference", description=__doc__)
    parser.add_argument("--write", metavar="README", type=Path, help="refresh its tables in place")
    args: Any = parser.parse_args(argv)
    if args.write is None:
        print("\n\n".join(block(section) for section in SECTIONS))
        return 0
    before = args.write.read_text(encoding="utf-8")
    after = refresh(before)
    if after != before:
        args.write.write_text(after, encoding="utf-8")
    print(f"{args.write}: {'refreshed' if after != before else 'already current'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
