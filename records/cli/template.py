"""`records template draft FILE`: a template drafted from a document, to adjust and keep."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def template() -> None:
    """Write report templates (see README "Adding a source")."""


@template.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", help="Template (parser) name [default: from the file name].")
@click.option("--pages", "pages", help='Pages to look at: "3", "2-5", "1,4-6" [default: all].')
def draft(file: str, name: str | None, pages: str | None) -> None:
    """Print a runnable TOML template for the tables the generic extractor finds in FILE.

    For a spreadsheet (XLSX, XLS, CSV) it is a spreadsheet template: save it as
    NAME.sheet.toml. Save it in a template folder ([settings] templates in sources.toml, or
    RECORDS_TEMPLATES), check the guesses its comments point out, then run
    `records extract FILE --parser NAME`.
    """
    from records.core.filetypes import sniff

    path = Path(file)
    if sniff(path.read_bytes()) in ("xlsx", "xls", "csv"):
        from parsers.spreadsheets.draft import draft_sheet_template

        if pages:
            raise click.UsageError("--pages is for PDFs; a spreadsheet template reads sheets")
        click.echo(draft_sheet_template(path, name=name), nl=False)
        return
    from parsers.templates.draft import draft_template

    click.echo(draft_template(path, name=name, pages=pages), nl=False)
