"""The command line: parse options, make one library call, map errors to exit codes.

Only this module imports click.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from wpmigrate import __version__
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_OUTPUT, UsageError, WpmigrateError
from wpmigrate.parallel import available_cores
from wpmigrate.pii import DEFAULT_SALT, MODES
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES, format_size, parse_size
from wpmigrate.validate import FAIL_ON, validate
from wpmigrate.validate import formats as report_formats
from wpmigrate.writers import FORMATS
from wpmigrate.writers.markdown.options import COMMENT_MODES, FRONT_MATTER_FORMATS
from wpmigrate.writers.markdown.profiles import PROFILES

if TYPE_CHECKING:
    from wpmigrate.batch.plan import Task

SHOWN_DIAGNOSTICS = 10


class SizeType(click.ParamType):
    """A size in bytes, written ``16M``, ``512K``, ``1G`` or a plain number."""

    name = "size"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


_MAX_ITEM_SIZE = click.option(
    "--max-item-size", "max_item_bytes", type=SizeType(), default=format_size(DEFAULT_MAX_ITEM_BYTES),
    show_default=True, metavar="SIZE",
    help="Stop at an item (or header) larger than this: it bounds memory, about ten times the largest "
         "item. Raise it for an export that really holds larger items.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="wpmigrate")
@click.option("--debug", is_flag=True, help="Show a traceback for unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Get a blog out of WordPress: convert WXR exports to JSON, Markdown or SQL.

    \b
    Example:
      wpmigrate convert mysite.WordPress.2024-01-01.xml
    """
    ctx.obj = {"debug": debug}


_CONVERSION_OPTIONS = [
    click.option("--to", "to", type=click.Choice(sorted(FORMATS)), default="json", show_default=True,
                 help="Output format."),
    click.option("--recover", is_flag=True, help="Salvage every complete item from a damaged file."),
    click.option("--pii", type=click.Choice(MODES), default=None,
                 help="E-mail and IP addresses of commenters and form senders: keep them, replace them by "
                      "a salted hash, or drop them. "
                      "Default: keep (drop for --to markdown, whose output is published)."),
    click.option("--pii-salt", default=DEFAULT_SALT, show_default=True, metavar="TEXT",
                 help="Salt for --pii hash; set your own to make hashes unguessable."),
    click.option("--dialect", type=click.Choice(["sqlite", "postgresql", "mysql"]), default=None,
                 help="SQL dialect for --to sql (mysql also fits MariaDB). Default: sqlite."),
    click.option("--schema-only", is_flag=True, help="--to sql: only create the tables."),
    click.option("--data-only", is_flag=True, help="--to sql: only insert the rows, into existing tables."),
    click.option("--table-prefix", default="", metavar="PREFIX", help="--to sql/sqlite: prefix for every table name."),
    click.option("--profile", type=click.Choice(sorted(PROFILES)), default=None,
                 help="--to markdown: the static site generator's layout and front matter. Default: plain."),
    click.option("--front-matter", type=click.Choice(FRONT_MATTER_FORMATS), default=None,
                 help="--to markdown: front-matter format. Default: yaml."),
    click.option("--field", "fields", multiple=True, metavar="NAME=SOURCE",
                 help="--to markdown: an extra front-matter field from meta:KEY, taxonomy:NAME or a post "
                      "field (NAME= drops a default field). Repeatable."),
    click.option("--include-status", multiple=True, metavar="STATUS,...",
                 help="--to markdown: also write items with these statuses (draft, pending, private, "
                      "trash; protected: password-protected items)."),
    click.option("--include-type", multiple=True, metavar="TYPE,...",
                 help="--to markdown: also write items of these types (attachment, nav_menu_item; "
                      "feedback and other form submissions, with a warning)."),
    click.option("--comments", type=click.Choice(COMMENT_MODES), default=None,
                 help="--to markdown: approved comments as data files, in front matter, or not at all. "
                      "Default: data."),
    click.option("--with-layouts/--no-layouts", "layouts", default=None,
                 help="--to markdown: add starter layouts for the profile's generator (post, home, term "
                      "pages, threaded comments, config); files already there are kept. "
                      "Default: on for a new or empty folder."),
    click.option("--download-media", is_flag=True,
                 help="--to markdown: fetch every media file into the site and link to the local copies."),
    click.option("--new-urls", is_flag=True,
                 help="--to markdown: give items fresh addresses (/posts/<slug>/, slugs made ASCII) and "
                      "redirect the old ones. Default: every post and page keeps its WordPress path."),
    click.option("--raw-content", is_flag=True, help="Skip content cleaning (no content.html)."),
    click.option("--keep-noise", is_flag=True, help="Keep sharing buttons, likes, ads and other widget noise."),
    click.option("--unknown-shortcodes", type=click.Choice(["keep", "drop", "raw"]), default="keep",
                 show_default=True,
                 help="Shortcodes no handler converts: keep verbatim, drop the tags, or leave them unparsed."),
    _MAX_ITEM_SIZE,
]


def conversion_options(command: Callable) -> Callable:
    """The options that shape a conversion, shared by convert and batch."""
    for option in reversed(_CONVERSION_OPTIONS):
        command = option(command)
    return command


@cli.command("convert")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", metavar="PATH", help="Output path; '-' for stdout. Default: the input's name.")
@click.option("--force", is_flag=True, help="Overwrite an existing output.")
@conversion_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for parsing and cleaning posts. Default: every core for exports of 4 MB or more.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_context
def convert_command(ctx: click.Context, inputs: tuple[str, ...], quiet: bool, **options) -> None:
    """Convert an export (several INPUTs: the parts of one split export).

    INPUT is a .xml, .xml.gz or .zip file, or '-' for standard input.

    \b
    Examples:
      wpmigrate convert export.xml                 # writes export.json
      wpmigrate convert export.xml --to ndjson -o - | head
      wpmigrate convert site.000.xml site.001.xml  # a split export
      wpmigrate convert damaged.xml --recover
      wpmigrate convert export.xml --to sql --dialect postgresql -o blog.sql
      wpmigrate convert export.xml --to sqlite -o blog.db
      wpmigrate convert export.xml --to markdown --profile hugo -o site
    """
    diagnostics = Diagnostics()

    def run() -> None:
        options["format_options"] = _format_options(options)
        result = convert(list(inputs), ConvertOptions(**options), diagnostics)
        if not quiet:
            _report(diagnostics)
            for note in result.notes:
                click.echo(note, err=True)
            click.echo(result.summary(), err=True)

    _run(ctx, run, diagnostics, quiet)


@cli.command("batch")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option("-o", "--output", "outdir", required=True, metavar="OUTDIR",
              help="Folder (or fsspec URL) for the outputs, report.json and the state that makes re-runs resume.")
@conversion_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Sites converted at once, each in its own process.  [default: the number of cores]")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop a site that takes longer and report it as failed.")
@click.option("--force", is_flag=True, help="Convert every site again, and overwrite outputs no batch made.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the sites on the Dask cluster at ADDRESS (tcp://HOST:8786), or on a local one of "
                   "--jobs worker processes with 'local'. Needs pip install 'wpmigrate[dask]'.")
@click.option("--dry-run", is_flag=True, help="List what would be done, and do nothing.")
@click.option("-q", "--quiet", is_flag=True, help="No live display: only failed sites and the summary.")
@click.pass_context
def batch_command(ctx: click.Context, sources: tuple[str, ...], outdir: str, jobs: int | None,
                  timeout: float | None, force: bool, scheduler: str | None, dry_run: bool, quiet: bool,
                  **options) -> None:
    """Convert many exports at once: in parallel, resumable, with a report.

    SOURCE is an export file, a folder (searched for .xml, .xml.gz and .zip
    files) or a glob pattern; it and OUTDIR may be fsspec URLs (s3://bucket/
    exports/, gs://, memory://). The parts of a split export (site.000.xml,
    site.001.xml ...) and the files in one zip are one site. Each site's
    output goes to OUTDIR, named after its file; OUTDIR/report.json says
    what became of every site. Run the same command again to redo only the
    sites that failed, changed or were not finished.

    \b
    Exit codes:
      0  every site converted (or was up to date)
      1  some sites failed (see the summary and report.json)
      2  usage error, no export found, or another batch is writing to OUTDIR
      4  OUTDIR cannot be created or written
      130  interrupted (run again to finish)

    \b
    Examples:
      wpmigrate batch exports/ -o converted/
      wpmigrate batch 'archive/**/*.xml.gz' clients/*.zip -o out/ --to sqlite --jobs 4
      wpmigrate batch exports/ -o converted/ --recover --timeout 600
      wpmigrate batch exports/ -o converted/ --dry-run
      wpmigrate batch exports/ -o converted/ --scheduler local --jobs 4
    """
    code = 0

    def run() -> None:
        nonlocal code
        # here, not at the top: batch's display (rich) and planning cost a tenth of a second
        from wpmigrate.batch import BatchOptions, plan_batch, run_batch  # noqa: PLC0415
        from wpmigrate.batch.progress import make_display  # noqa: PLC0415
        from wpmigrate.batch.report import exit_code as batch_exit_code  # noqa: PLC0415
        from wpmigrate.batch.report import summary as batch_summary  # noqa: PLC0415

        options["format_options"] = _format_options(options)
        if jobs is not None and scheduler not in (None, "local"):
            raise UsageError("--jobs does not apply with --scheduler ADDRESS", hint="the cluster's workers decide")
        settings = BatchOptions(outdir, ConvertOptions(**options), jobs or available_cores(), timeout, force,
                                scheduler)
        if dry_run:
            _show_plan(plan_batch(list(sources), settings))
            return
        report = run_batch(list(sources), settings, make_display(quiet))
        for line in batch_summary(report, report["path"]):
            click.echo(line, err=True)
        code = batch_exit_code(report)

    _run(ctx, run, Diagnostics(), quiet=True)
    ctx.exit(code)


def _show_plan(tasks: list[Task]) -> None:
    """The --dry-run listing: one line per site, then the totals."""
    actions = {"convert": "convert", "skip": "up to date", "refuse": "refused"}
    for task in tasks:
        click.echo(f"{actions[task.action]:<10} {task.output}  ({task.site.size / 1e6:.1f} MB)  "
                   f"<- {', '.join(task.site.inputs)}")
        if task.action == "refuse":
            click.echo(f"           {task.entry['error']['message'].splitlines()[0]}")
    todo = [task for task in tasks if task.action == "convert"]
    click.echo(f"dry run: {len(tasks)} sites, {len(todo)} to convert "
               f"({sum(t.site.size for t in todo) / 1e6:.1f} MB); nothing written", err=True)


def _format_options(options: dict) -> dict:
    """Pop the format options from ``options`` (checked against --to)."""
    return {**_sql_options(options), **_markdown_options(options)}


#: Format option -> its flag, where the flag is not the option's name with "-" for "_".
_FLAG_NAMES = {"fields": "field", "layouts": "with-layouts/--no-layouts"}


def _markdown_options(options: dict) -> dict:
    """Pop the Markdown options from ``options``: the format options of --to markdown."""
    given = {
        "profile": options.pop("profile"),
        "front_matter": options.pop("front_matter"),
        "fields": options.pop("fields"),
        "include_status": _listed(options.pop("include_status")),
        "include_type": _listed(options.pop("include_type")),
        "comments": options.pop("comments"),
        "download_media": options.pop("download_media"),
        "new_urls": options.pop("new_urls"),
    }
    used = {key: value for key, value in given.items() if value}
    layouts = options.pop("layouts")
    if layouts is not None:
        used["layouts"] = layouts
    if options["to"] != "markdown":
        if used:
            name = _FLAG_NAMES.get(next(iter(used)), next(iter(used)).replace("_", "-"))
            raise UsageError(f"--{name} applies to --to markdown only")
        return {}
    return used


def _listed(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated and comma-separated values as one tuple."""
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def _sql_options(options: dict) -> dict:
    """Pop the SQL options from ``options``: the format options of --to sql/sqlite."""
    given = {
        "dialect": options.pop("dialect"),
        "schema_only": options.pop("schema_only"),
        "data_only": options.pop("data_only"),
        "table_prefix": options.pop("table_prefix"),
    }
    used = {key: value for key, value in given.items() if value}
    if options["to"] not in ("sql", "sqlite"):
        if used:
            key = next(iter(used))
            where = "--to sql" if key == "dialect" else "--to sql and --to sqlite"
            raise UsageError(f"--{key.replace('_', '-')} applies to {where} only")
        return {}
    if options["to"] == "sqlite" and "dialect" in used:
        raise UsageError("--dialect applies to --to sql only", hint="--to sqlite always writes SQLite")
    return used


@cli.command("validate")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--format", "fmt", type=click.Choice(list(report_formats.FORMATS)), default="text",
              show_default=True, help="Report format.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Exit with 1 when a finding of this severity or worse is found.")
@click.option("--rules", metavar="NAME,...", help="Run only these rules (see docs/validate.md).")
@click.option("--ignore", metavar="CODE,...", help="Leave out findings with these codes.")
@click.option("-o", "--output", default="-", metavar="FILE", help="Write the report here (replaced). Default: stdout.")
@_MAX_ITEM_SIZE
@click.pass_context
def validate_command(ctx: click.Context, inputs: tuple[str, ...], fmt: str, fail_on: str, rules: str | None,
                     ignore: str | None, output: str, max_item_bytes: int) -> None:
    """Check exports before importing them: damage, missing parts, broken references.

    Each split export (site.000.xml, site.001.xml ...) or zip is checked as one
    export; every other INPUT on its own. The finding codes are listed in
    docs/validate.md.

    \b
    Exit codes:
      0  nothing reaches --fail-on
      1  something does
      2  usage error
      3  an input cannot be read

    \b
    Examples:
      wpmigrate validate export.xml
      wpmigrate validate site.000.xml site.001.xml --fail-on warning
      wpmigrate validate export.xml --format sarif -o wpmigrate.sarif
    """

    failed = False

    def run() -> None:
        nonlocal failed
        report = validate(list(inputs), rules=rules, ignore=ignore, max_item_bytes=max_item_bytes)
        report_formats.write_report(report, fmt, output, fail_on)
        failed = report.fails(fail_on)

    _run(ctx, run, Diagnostics(), quiet=True)
    if failed:
        ctx.exit(EXIT_FINDINGS)


cli.add_command(validate_command, name="validate")


def _report(diagnostics: Diagnostics) -> None:
    """The first few warnings and errors, then how many more there were."""
    shown = 0
    for diagnostic in diagnostics:
        if diagnostic.severity == "info":
            continue
        if shown == SHOWN_DIAGNOSTICS:
            rest = diagnostics.warnings + diagnostics.errors - shown
            click.echo(f"... and {rest} more", err=True)
            return
        where = diagnostic.where()
        click.echo(f"{diagnostic.severity}: {where + ': ' if where else ''}{diagnostic.message}", err=True)
        shown += 1


def _run(ctx: click.Context, action: Callable[[], None], diagnostics: Diagnostics, quiet: bool) -> None:
    """Run ``action``, turning every failure into a message and an exit code."""
    try:
        action()
    except WpmigrateError as error:
        if not quiet:
            _report(diagnostics)
        click.echo(f"wpmigrate: error: {error}", err=True)
        ctx.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("wpmigrate: interrupted", err=True)
        ctx.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        ctx.exit(EXIT_OUTPUT)
    except MemoryError:
        click.echo("wpmigrate: error: out of memory", err=True)
        ctx.exit(EXIT_INPUT)
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        if ctx.obj.get("debug"):
            traceback.print_exc()
        else:
            where = "".join(f" {note}" for note in getattr(error, "__notes__", ()))
            click.echo(
                f"wpmigrate: internal error (a bug){where}: run again with --debug for details and report it",
                err=True,
            )
        ctx.exit(EXIT_INTERNAL)


def main() -> None:
    cli(prog_name="wpmigrate")
