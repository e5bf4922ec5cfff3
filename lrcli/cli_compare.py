"""`lrcli diff A B` and `lrcli check LOG SCHEDULE`: where two schedules, or a run's log and its
schedule, part ways. The comparison is lrcli.compare's, the causes lrcli.causes'; this module
parses, builds the schedules the way `show` does, and renders the runs.

Exit status like cmp and diff: 0 when the rates agree everywhere, 1 when they differ, 2 on bad
input. `add_commands` registers both on the `lrcli` group, sharing `show`'s config-file options.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import click

from lrcli.params import NUMBER, STEP
from lrcli.schedule import Schedule, ScheduleError

FORMATS = ("auto", "table", "csv", "json", "jsonl")
FACTS = ("steps_per_epoch", "train_samples", "world_size", "grad_accum", "batch_size", "interval")
SHARED = ("kind", *FACTS, "explain", "closed_form")
"""`show`'s options that diff and check take as they are (defined once, in lrcli.cli)."""
TABLE_RUNS = 200
"""More runs than this and the table shows the first ones and says how many more."""


class ToleranceType(click.ParamType[Any]):
    name = "tolerance"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from lrcli.compare import Tolerance

        if isinstance(value, Tolerance):
            return value
        try:
            return Tolerance.parse(str(value))
        except ScheduleError as e:
            self.fail(str(e), param, ctx)


class FactType(click.ParamType[tuple[str, str]]):
    """NAME=VALUE, a fact for one side of `diff` (NAME as the option without its dashes)."""

    name = "name=value"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        text = str(value)
        key, equals, given = text.partition("=")
        field = key.strip().lstrip("-").replace("-", "_")
        if not equals or field not in (*FACTS, "kind", "lr"):
            names = ", ".join(n.replace("_", "-") for n in ("lr", "kind", *FACTS))
            self.fail(f"{text!r} is not NAME=VALUE with NAME one of {names}", param, ctx)
        return field, given.strip()


_OUTPUT = (
    click.option(
        "--tolerance",
        type=ToleranceType(),
        help="Count rates this close as equal: relative (1e-6) or in ulps (4ulp).  "
        "[default: exact]",
    ),
    click.option("--quiet", "-q", is_flag=True, help="Print nothing; the exit status says."),
    click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="auto",
        show_default=True,
        help="auto is a table on a terminal and csv otherwise.",
    ),
)


def _with(options: Iterable[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    def decorate(command: Any) -> Any:
        for option in reversed(tuple(options)):
            command = option(command)
        return command

    return decorate


@click.command()
@click.argument("a_text", metavar="A")
@click.argument("b_text", metavar="B")
@click.option(
    "--lr",
    "--base-lr",
    "lr",
    type=NUMBER,
    help="The optimizer's learning rate, for both schedules (--lr-a and --lr-b for one).",
)
@click.option("--lr-a", type=NUMBER, help="The optimizer's learning rate for A alone.")
@click.option("--lr-b", type=NUMBER, help="The optimizer's learning rate for B alone.")
@click.option(
    "--fact-a",
    type=FactType(),
    multiple=True,
    help="A fact for A alone, NAME=VALUE, NAME an option below without dashes "
    "(steps-per-epoch=20); repeat for more.",
)
@click.option("--fact-b", type=FactType(), multiple=True, help="A fact for B alone, as --fact-a.")
@click.option("--first", type=STEP, help="First step compared, inclusive.  [default: 0]")
@click.option(
    "--last",
    type=STEP,
    help="Last step compared, inclusive.  [default: the later schedule's end (its last phase "
    "edge, or its last boundary + 1), or a config's last update]",
)
@_with(_OUTPUT)
def diff(
    a_text: str,
    b_text: str,
    lr: float | None,
    lr_a: float | None,
    lr_b: float | None,
    fact_a: tuple[tuple[str, str], ...],
    fact_b: tuple[tuple[str, str], ...],
    first: int | None,
    last: int | None,
    tolerance: Any,
    quiet: bool,
    fmt: str,
    **shared: Any,
) -> int:
    """Compare two schedules step by step: the runs of steps where their rates differ.

    A and B are pasted calls or config files, as for `show`. Exit status 0 when they give
    the same rate at every step compared, 1 when they differ, 2 on bad input. Rates are equal
    when they are the same float; ulps are counted in float32 when both schedules compute in
    float32, in float64 otherwise.

    \b
    Example:
      lrcli diff "get_cosine_schedule_with_warmup(optimizer, 500, 10_000)" \\
                 "get_cosine_schedule_with_warmup(optimizer, 500, 10_001)" --lr 3e-4
    """
    from lrcli import compare

    a, a_last = _side("A", a_text, lr if lr_a is None else lr_a, shared, fact_a, "--fact-a")
    b, b_last = _side("B", b_text, lr if lr_b is None else lr_b, shared, fact_b, "--fact-b")
    start = 0 if first is None else first
    if last is None:
        ends = [
            run_last if run_last is not None else s.default_last
            for s, run_last in ((a, a_last), (b, b_last))
        ]
        last = max(*ends, start)
    try:
        runs = compare.diff(a, b, start, last, tolerance or compare.EXACT)
        head = next(runs, None)
    except ScheduleError as e:
        raise click.BadParameter(str(e), param_hint=[f"--{e.field}"]) from None
    if quiet:
        return 0 if head is None else 1
    single = compare.is_single(a) and compare.is_single(b)
    caption = (
        f"A: {_description(a)} · B: {_description(b)} · steps {start}-{last} · "
        f"ulps in {'float32' if single else 'float64'}"
    )
    found = _render(
        _chain(head, runs),
        ("a_first", "b_first"),
        fmt,
        caption,
        same=f"A and B give the same rate at every step from {start} to {last}",
    )
    return 1 if found else 0


@click.command()
@click.argument("log_path", metavar="LOG")
@click.argument("schedule_text", metavar="SCHEDULE")
@click.option(
    "--lr",
    "--base-lr",
    "lr",
    type=NUMBER,
    help="The optimizer's learning rate, for schedules that scale it (PyTorch, transformers).",
)
@click.option(
    "--offset",
    type=click.INT,
    metavar="N",
    help="Schedule step k = logged step + N.  [default: -1 for the Trainer's logs "
    "(trainer_state.json, train/learning_rate), 0 otherwise]",
)
@click.option(
    "--step-col", help="The column or key holding the step, where its name is not obvious."
)
@click.option(
    "--lr-col",
    help="The column, key or TensorBoard tag holding the rate, where its name is not obvious.",
)
@_with(_OUTPUT)
def check(
    log_path: str,
    schedule_text: str,
    lr: float | None,
    offset: int | None,
    step_col: str | None,
    lr_col: str | None,
    tolerance: Any,
    quiet: bool,
    fmt: str,
    **shared: Any,
) -> int:
    """Check a training run's logged learning rates against the schedule it was meant to follow.

    LOG is a Hugging Face trainer_state.json (or the output or checkpoint folder holding
    one), a TensorBoard event file (or its folder), or a CSV or JSON Lines file with a step
    and a rate column (a W&B or Lightning export, a loop's own). Prints the runs of steps
    where the log departs from SCHEDULE, in schedule steps k, and says on stderr what the
    first departure looks like: a scheduler stepped twice per update, per epoch, an offset,
    a schedule rebuilt on resume. Exit status 0 when every logged rate is the schedule's, 1
    when some differ, 2 on bad input.

    \b
    Example:
      lrcli check output/trainer_state.json \\
        "get_linear_schedule_with_warmup(optimizer, 10, 100)" --lr 5e-4
    """
    from lrcli import causes, compare, logs
    from lrcli.cli import _warn

    try:
        log = logs.read_log(Path(log_path), logs.Columns(step_col, lr_col))
    except ScheduleError as e:
        hint = "'LOG'" if e.field == logs.FIELD else [f"--{e.field.replace('_', '-')}"]
        raise click.BadParameter(str(e), param_hint=hint) from None
    schedule, _ = _side("SCHEDULE", schedule_text, lr, shared, (), "")
    for warning in () if quiet else log.warnings:
        _warn(warning)
    if offset is not None and abs(offset) > 2**62:
        raise click.BadParameter(f"{offset} is too far: steps are int64", param_hint=["--offset"])
    shift = log.offset if offset is None else offset
    if shared["explain"]:
        click.echo(f"{log.kind}: {log.where}; {log.alignment}", err=True)
        if offset is not None:
            click.echo(f"--offset {offset}: schedule step k = logged step {offset:+d}", err=True)
    keep = log.steps + shift >= 0
    if not keep.all():
        early = int((~keep).sum())
        what = "1 entry comes" if early == 1 else f"{early:,} entries come"
        _warn(f"{what} before schedule step 0 with --offset {shift}: left out")
    steps, rates, logged = log.steps[keep] + shift, log.rates[keep], log.steps[keep]
    if not len(steps):
        raise click.BadParameter("no entry is left to check", param_hint=["--offset"])
    tol = tolerance or compare.EXACT
    try:
        runs = list(compare.compare_at(steps, rates, schedule, single=log.single, tolerance=tol))
        found = (
            causes.departure(
                steps,
                rates,
                logged,
                schedule,
                single=log.single,
                tolerance=tol,
                offset=shift,
                rebuild=_rebuilder(schedule_text, lr, schedule),
                planned=log.length,
            )
            if runs and not quiet
            else None
        )
    except ScheduleError as e:
        raise click.BadParameter(str(e), param_hint="'SCHEDULE'") from None
    if quiet:
        return 1 if runs else 0
    if found is not None:
        click.echo(f"{found.words(shift)}", err=True)
    single = log.single or compare.is_single(schedule)
    relation = f"k = logged step {'+' if shift > 0 else '-'} {abs(shift)}" if shift else "k"
    caption = (
        f"log: {log.where} · schedule: {_description(schedule)} · step {relation} · "
        f"ulps in {'float32' if single else 'float64'}"
    )
    last = int(steps[-1])
    _render(
        iter(runs),
        ("log_first", "schedule_first"),
        fmt,
        caption,
        same=f"every logged rate, {len(steps):,} from step {int(steps[0])} to step {last}, "
        "is the schedule's",
    )
    return 1 if runs else 0


def _rebuilder(
    text: str, lr: float | None, schedule: Schedule
) -> Callable[[int], Iterator[tuple[str, Schedule]]] | None:
    """For a pasted call: the same call rebuilt for another length (see causes.relengthened)."""
    from lrcli import configs

    if configs.looks_like_path(text) or getattr(schedule, "per", None) is not None:
        return None
    old = schedule.default_last

    def rebuild(length: int) -> Iterator[tuple[str, Schedule]]:
        from lrcli.causes import relengthened
        from lrcli.frameworks import build

        return relengthened(text, old, length, lambda variant: build(variant, lr=lr).schedule)

    return rebuild


def _side(
    label: str,
    text: str,
    lr: float | None,
    shared: dict[str, Any],
    own: tuple[tuple[str, str], ...],
    option: str,
) -> tuple[Schedule, int | None]:
    """The schedule `text` builds (a pasted call or a config file), as `show` builds it, with
    the facts given for both sides and then `own` for this one."""
    from lrcli import cli, configs

    facts = {name: shared[name] for name in FACTS}
    kind = shared["kind"]
    params = {p.name: p for p in cli.cli.commands["show"].params}
    ctx = click.get_current_context()
    for field, given in own:
        param = params["lr" if field == "lr" else field]
        try:
            value = param.type.convert(given, None, ctx)
        except click.BadParameter as e:
            raise click.BadParameter(
                f"{field.replace('_', '-')}={given}: {e.message}", param_hint=[option]
            ) from None
        if field == "lr":
            lr = value
        elif field == "kind":
            kind = value
        else:
            facts[field] = value
    try:
        if configs.looks_like_path(text) or kind is not None:
            schedule, run_last = cli._config(text, kind, lr, facts, shared["explain"])
        else:
            schedule, run_last = cli._pasted(text, lr, facts, shared["explain"])
        if shared["closed_form"]:
            schedule = cli._closed(schedule)
    except click.BadParameter as e:
        if e.param_hint == "'SCHEDULE'" and label != "SCHEDULE":
            raise click.BadParameter(e.message, param_hint=f"'{label}'") from None
        raise
    return schedule, run_last


def _description(schedule: Schedule) -> str:
    return schedule.description


def _chain(head: Any, rest: Iterator[Any]) -> Iterator[Any]:
    if head is not None:
        yield head
        yield from rest


HEAD = ("first_step", "last_step")
TAIL = ("max_abs_diff", "max_ulps")


def _render(runs: Iterator[Any], sides: tuple[str, str], fmt: str, caption: str, same: str) -> bool:
    """Write the runs as `fmt`; True when there was one."""
    from lrcli import cli

    if fmt == "auto":
        fmt = "table" if cli.stdout_is_terminal() else "csv"
    names = (*HEAD, *sides, *TAIL)
    with cli._stdout() as out:
        if fmt == "table":
            return _table(runs, names, caption, same)
        return WRITERS[fmt](out, runs, names)


def _cells(run: Any) -> list[str]:
    from lrcli.encode import rate_text

    first, last, a, b, gap, count = run
    return [str(first), str(last), rate_text(a), rate_text(b), rate_text(gap), str(count)]


def _write_csv(out: BinaryIO, runs: Iterator[Any], names: tuple[str, ...]) -> bool:
    out.write((",".join(names) + "\n").encode())
    found = False
    for run in runs:
        found = True
        out.write((",".join(_cells(run)) + "\n").encode())
    return found


def _json_row(run: Any, names: tuple[str, ...]) -> str:
    import json

    return json.dumps(dict(zip(names, run, strict=True)), allow_nan=False)


def _write_jsonl(out: BinaryIO, runs: Iterator[Any], names: tuple[str, ...]) -> bool:
    found = False
    for run in runs:
        found = True
        out.write((_json_row(run, names) + "\n").encode())
    return found


def _write_json(out: BinaryIO, runs: Iterator[Any], names: tuple[str, ...]) -> bool:
    lines = [_json_row(run, names) for run in runs]
    out.write(("[\n  " + ",\n  ".join(lines) + "\n]\n" if lines else "[]\n").encode())
    return bool(lines)


WRITERS: dict[str, Callable[[BinaryIO, Iterator[Any], tuple[str, ...]], bool]] = {
    "csv": _write_csv,
    "json": _write_json,
    "jsonl": _write_jsonl,
}


def _table(runs: Iterator[Any], names: tuple[str, ...], caption: str, same: str) -> bool:
    """Aligned columns for a person; past TABLE_ROWS runs, how many more."""
    from rich.text import Text

    from lrcli import output

    console = output.console()
    ascii_glyphs = not output.fancy()
    rows: list[list[str]] = []
    more = 0
    for run in runs:
        if len(rows) < TABLE_RUNS:
            rows.append(_cells(run))
        else:
            more += 1
    console.print(Text(output.for_stream(caption, ascii_glyphs=ascii_glyphs), style="dim"))
    if not rows:
        console.print(Text(same))
        return False
    widths = [max(len(r[i]) for r in [list(names), *rows]) for i in range(len(names))]
    aligned = [str.rjust, str.rjust, str.ljust, str.ljust, str.ljust, str.rjust]
    line = "  ".join(f(n, w) for f, n, w in zip(aligned, names, widths, strict=True))
    console.print(Text(line.rstrip(), style="bold underline"))
    for row in rows:
        cells = [f(c, w) for f, c, w in zip(aligned, row, widths, strict=True)]
        console.print(
            Text.assemble(
                (f"{cells[0]}  {cells[1]}", "bold"),
                "  ",
                (f"{cells[2]}  {cells[3]}", "cyan"),
                "  ",
                f"{cells[4]}  {cells[5]}".rstrip(),
            )
        )
    if more:
        console.print(Text(f"… {more:,} more runs (--format csv for every one)", style="dim"))
    return True


def add_commands(group: click.Group) -> None:
    """Register diff and check on `group`, with `show`'s config-file options (shared, not
    copied: the same definitions, so help and checks cannot drift)."""
    show = group.commands["show"]
    shared = [copy.copy(p) for p in show.params if p.name in SHARED]
    for command in (diff, check):
        command.params.extend(copy.copy(p) for p in shared)
        group.add_command(command)
