"""The lrcli command line: parse options, call the core, render. No schedule logic lives here."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

import click
import numpy as np

from lrcli import checks, formats, output, views
from lrcli.chart import MAX_HEIGHT as CHART_HEIGHT
from lrcli.chart import MAX_WIDTH as CHART_WIDTH
from lrcli.encode import rate_text
from lrcli.export import TARGETS, export
from lrcli.figure import EXTRA as PLOT_EXTRA
from lrcli.figure import too_many_pixels
from lrcli.params import NUMBER, NUMBERS, OUTPUT, SIZE, STEP, STEPS, Whole
from lrcli.schedule import MAX_STEP, Convention, Dtype, PiecewiseConstant, Schedule, ScheduleError
from lrcli.selection import Selection, StepList, StepRange, selection_from
from lrcli.smooth import Phased

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
FORMATS = ("auto", "table", "csv", "json", "jsonl")


class LrcliGroup(click.Group):
    """Errors as one line on stderr with exit status 2; Ctrl-C ends quietly."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except getattr(click.exceptions, "NoArgsIsHelpError", ()) as e:
            e.show()
            sys.exit(e.exit_code)
        except click.ClickException as e:
            # One line, always: some of click's messages span several ("Choose from:\n\t...").
            message = " ".join(line.strip() for line in e.format_message().splitlines())
            click.echo(f"Error: {message}", err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            sys.exit(130)  # what a shell reports for a command ended by Ctrl-C
        sys.exit(code if isinstance(code, int) else 0)


def _with_options(
    command: Callable[..., Any], options: tuple[Callable[[Any], Any], ...]
) -> Callable[..., Any]:
    """`command` with `options` added, listed in --help in the order given."""
    for option in reversed(options):
        command = option(command)
    return command


def _option(field: str) -> str:
    return "--" + field.replace("_", "-")


def _bad(error: ScheduleError) -> click.BadParameter:
    return click.BadParameter(str(error), param_hint=[_option(error.field)])


# One definition of the options that say what the schedule is, for every command that takes one.
_SCHEDULE_OPTIONS = (
    click.option(
        "--boundaries",
        type=STEPS,
        metavar="STEPS",
        help="Comma-separated steps where the rate changes, strictly increasing.",
    ),
    click.option(
        "--values",
        type=NUMBERS,
        metavar="RATES",
        help="Comma-separated rates, one more than the boundaries.",
    ),
    click.option("--init-value", type=NUMBER, help="optax form: the rate before any boundary."),
    click.option(
        "--scales",
        type=NUMBERS,
        metavar="SCALES",
        help="optax form: at each boundary the rate is multiplied by its scale.",
    ),
    click.option(
        "--lr",
        "--base-lr",
        "lr",
        type=NUMBER,
        help="The optimizer's learning rate, for schedules that scale it (PyTorch, "
        "transformers), and the initial rate of the --milestones form.",
    ),
    click.option(
        "--milestones",
        type=STEPS,
        metavar="STEPS",
        help="PyTorch form: steps where the rate is multiplied by gamma (may repeat).",
    ),
    click.option("--gamma", type=NUMBER, help="PyTorch form: the factor at each milestone."),
    click.option(
        "--convention",
        type=click.Choice([c.value for c in Convention]),
        default=Convention.TF.value,
        show_default=True,
        help="Which side of a boundary the boundary step is on: tf and keras keep the "
        "earlier rate, torch and optax take the new one.",
    ),
    click.option(
        "--dtype",
        type=click.Choice([d.value for d in Dtype]),
        default=Dtype.FLOAT64.value,
        show_default=True,
        help="Precision the rates are computed in (TF, Keras and optax use float32).",
    ),
    click.option(
        "--kind",
        type=click.Choice(
            ["hf-trainer", "deepspeed", "timm", "keras-json", "lightning-yaml", "mmengine"]
        ),
        help="What kind of config file SCHEDULE is, where its content does not say.",
    ),
    click.option(
        "--steps-per-epoch",
        metavar="N",
        type=Whole(1, MAX_STEP),
        help="Optimizer updates per epoch: steps a per-epoch scheduler (a pasted PyTorch call, "
        "Lightning, timm, MMEngine) in optimizer updates.",
    ),
    click.option(
        "--train-samples",
        metavar="N",
        type=Whole(1, MAX_STEP),
        help="Samples in the training set, for a config that counts its steps from the data.",
    ),
    click.option(
        "--world-size",
        metavar="N",
        type=Whole(1, 1_000_000),
        help="Data-parallel processes (GPUs).  [default: 1]",
    ),
    click.option(
        "--grad-accum",
        metavar="N",
        type=Whole(1, 1_000_000),
        help="Gradient accumulation steps, where the config does not give them.",
    ),
    click.option(
        "--batch-size",
        metavar="N",
        type=Whole(1, MAX_STEP),
        help="Batch size per device, where the config does not give it.",
    ),
    click.option(
        "--interval",
        type=click.Choice(["step", "epoch"]),
        help="Whether the scheduler steps after every update or every epoch, where the file "
        "leaves it open.  [default: epoch with --steps-per-epoch]",
    ),
    click.option(
        "--explain",
        is_flag=True,
        help="Say on stderr how lrcli counted the steps: batches, processes, accumulation, "
        "epochs, warmup.",
    ),
    click.option(
        "--closed-form",
        is_flag=True,
        help="Answer a recursive PyTorch scheduler with torch's closed form (other floats than "
        "training gets; for steps too far for the exact recursion).",
    ),
)

_FORMS = {
    "values": ("--values",),
    "scales": ("--init-value", "--scales"),
    "milestones": ("--lr", "--milestones", "--gamma"),
}


def build_schedule(
    *,
    boundaries: tuple[int, ...] | None,
    values: tuple[float, ...] | None,
    init_value: float | None,
    scales: tuple[float, ...] | None,
    base_lr: float | None,
    milestones: tuple[int, ...] | None,
    gamma: float | None,
    convention: str,
    dtype: str,
) -> PiecewiseConstant:
    """The schedule the options describe; a usage error when they describe none or two."""
    given = {
        "--values": values,
        "--init-value": init_value,
        "--scales": scales,
        "--lr": base_lr,
        "--milestones": milestones,
        "--gamma": gamma,
    }
    forms = [f for f, names in _FORMS.items() if any(given[n] is not None for n in names)]
    if not forms:
        raise click.UsageError(
            "give the schedule: a pasted call such as "
            "'get_cosine_schedule_with_warmup(optimizer, 500, 10_000)', or --values "
            "(with --boundaries), or --init-value and --scales, or --lr, --milestones and --gamma"
        )
    if len(forms) > 1:
        one, other = ("/".join(_FORMS[f]) for f in forms[:2])
        raise click.UsageError(f"{one} and {other} are two ways to give the rates; use one")
    form = forms[0]
    missing = [n for n in _FORMS[form] if given[n] is None]
    if missing:
        present = "/".join(n for n in _FORMS[form] if given[n] is not None)
        raise click.UsageError(f"{present} also needs {' and '.join(missing)}")
    if form == "milestones" and boundaries is not None:
        raise click.UsageError("--boundaries does not go with --milestones, which take its place")
    style = {"convention": convention, "dtype": dtype}
    try:
        if form == "scales":
            assert init_value is not None and scales is not None
            return PiecewiseConstant.from_scales(init_value, boundaries or (), scales, **style)
        if form == "milestones":
            assert base_lr is not None and milestones is not None and gamma is not None
            return PiecewiseConstant.from_milestones(base_lr, milestones, gamma, **style)
        assert values is not None
        return PiecewiseConstant(boundaries or (), values, **style)
    except ScheduleError as e:
        raise _bad(e) from None


_PIECEWISE = ("boundaries", "values", "init_value", "scales", "milestones", "gamma")


def schedule_options(command: F) -> F:
    """Add SCHEDULE and the schedule options to `command`, which receives the built `schedule`."""

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        text = kwargs.pop("schedule_text")
        parts = {name: kwargs.pop(name) for name in (*_PIECEWISE, "convention", "dtype")}
        lr, closed_form = kwargs.pop("lr"), kwargs.pop("closed_form")
        facts = {name: kwargs.pop(name) for name in _FACTS}
        kind, explain = kwargs.pop("kind"), kwargs.pop("explain")
        run_last = None
        if text is None:
            if closed_form:
                raise click.UsageError("--closed-form goes with a pasted PyTorch scheduler call")
            _no_facts(facts, kind, "--boundaries/--values")
            schedule: Schedule = build_schedule(base_lr=lr, **parts)
        else:
            _alone(parts)
            from lrcli import configs

            if configs.looks_like_path(text) or kind is not None:
                schedule, run_last = _config(text, kind, lr, facts, explain)
            else:
                schedule, run_last = _pasted(text, lr, facts, explain)
            if closed_form:
                schedule = _closed(schedule)
        return command(schedule=schedule, run_last=run_last, **kwargs)

    decorated = _with_options(wrapper, _SCHEDULE_OPTIONS)
    return cast(F, click.argument("schedule_text", metavar="[SCHEDULE]", required=False)(decorated))


_FACTS = ("steps_per_epoch", "train_samples", "world_size", "grad_accum", "batch_size", "interval")


def _alone(parts: dict[str, Any]) -> None:
    """SCHEDULE says what the schedule is: the piecewise options do not go with it."""
    ctx = click.get_current_context()
    given = [n for n in _PIECEWISE if parts[n] is not None]
    given += [
        n
        for n in ("convention", "dtype")
        if ctx.get_parameter_source(n) is not click.core.ParameterSource.DEFAULT
    ]
    if given:
        options = ", ".join(_option(n) for n in given)
        why = " (the framework decides it)" if set(given) <= {"convention", "dtype"} else ""
        raise click.UsageError(
            f"SCHEDULE and {options} are two ways to give the schedule; use one{why}"
        )


def _no_facts(facts: dict[str, Any], kind: str | None, form: str) -> None:
    given = [_option(n) for n, v in facts.items() if v is not None]
    if kind is not None:
        given.insert(0, "--kind")
    if given:
        raise click.UsageError(
            f"{', '.join(given)} go with a config file or a pasted call, not {form}"
        )


def _config(
    text: str,
    kind: str | None,
    lr: float | None,
    facts: dict[str, Any],
    explain: bool,
    *,
    pasted: bool = False,
) -> tuple[Schedule, int | None]:
    """The schedule in a config file (or a pasted `TrainingArguments(...)`), per update."""
    from lrcli import configs

    known = configs.Facts(lr=lr, **facts)
    try:
        if pasted:
            reading = configs.read_training_arguments(text, known)
        else:
            reading = configs.read_config(Path(text.strip()), known, kind=kind)
    except configs.MissingFact as e:
        raise click.UsageError(str(e)) from None
    except configs.MissingExtra as e:
        raise click.ClickException(str(e)) from None  # exit 1: the machine, not the input
    except ScheduleError as e:
        if e.field in configs.OPTIONS or e.field == "kind":
            raise _bad(e) from None
        raise click.BadParameter(str(e), param_hint="'SCHEDULE'") from None
    what = "TrainingArguments" if pasted else f"this {reading.kind} file"
    for option in known.unused():
        _warn(f"{option} is ignored: {what} does not use it")
    if explain:
        for line in reading.explain:
            click.echo(line, err=True)
    return reading.schedule, reading.last_update


def _pasted(
    text: str, lr: float | None, facts: dict[str, Any], explain: bool
) -> tuple[Schedule, int | None]:
    """The schedule a pasted call builds; stepped per epoch with --steps-per-epoch."""
    from lrcli.frameworks import build  # loaded only for a pasted call

    if text.strip().split("(", 1)[0].strip().endswith("TrainingArguments"):
        return _config(text, None, lr, facts, explain, pasted=True)
    per, interval = facts["steps_per_epoch"], facts["interval"]
    others = [
        _option(n)
        for n in _FACTS
        if facts[n] is not None and n not in ("steps_per_epoch", "interval")
    ]
    if others:
        raise click.UsageError(f"{', '.join(others)} go with a config file, not a pasted call")
    if interval == "epoch" and per is None:
        raise click.UsageError("--interval epoch needs --steps-per-epoch, the updates in an epoch")
    try:
        built = build(text, lr=lr)
    except ScheduleError as e:
        if e.field == "lr":
            raise click.UsageError(str(e)) from None
        raise click.BadParameter(str(e), param_hint="'SCHEDULE'") from None
    schedule = built.schedule
    if lr is not None and not built.lr_used:
        _warn(f"--lr is ignored: {built.api} sets the rate itself")
    lines = [f"{built.api}, stepped after every optimizer update"]
    if per is not None and interval != "step":
        from lrcli.stepping import PerEpoch

        schedule = PerEpoch(schedule, per)
        lines = [
            f"{built.api}, stepped once per epoch: update k runs at its rate after "
            f"k // {per:,} scheduler steps"
        ]
    if explain:
        for line in lines:
            click.echo(line, err=True)
    return schedule, None


def _closed(schedule: Schedule) -> Schedule:
    closed = schedule.closed_variant() if isinstance(schedule, Phased) else None
    if closed is None:
        name = getattr(schedule, "api", "this schedule")
        raise click.UsageError(
            f"--closed-form: {name} has no other closed form; it is exact as it is"
        )
    return closed


_FIRST = click.option("--first", type=STEP, help="First step shown, inclusive.  [default: 0]")
_RANGE_OPTIONS = (
    _FIRST,
    click.option(
        "--last",
        type=STEP,
        help="Last step shown, inclusive.  [default: the last boundary + 1]",
    ),
    click.option(
        "--every",
        type=STEP,
        default=1,
        show_default=True,
        help="Show every K-th step from --first.",
    ),
    click.option(
        "--at",
        type=STEPS,
        metavar="STEPS",
        help="Just these comma-separated steps, in this order (instead of a range).",
    ),
)


def range_options(command: F) -> F:
    """Add the step-range options; `command` receives `selection` and `last_given`."""

    @functools.wraps(command)
    def wrapper(*, schedule: Schedule, run_last: int | None, **kwargs: Any) -> Any:
        first, last, every, at = (kwargs.pop(k) for k in ("first", "last", "every", "at"))
        if at is not None and (first is not None or last is not None or every != 1):
            _warn("--at overrides --first, --last and --every")
        end = last if last is not None or run_last is None else max(run_last, first or 0)
        try:
            selection = selection_from(schedule, first=first, last=end, every=every, at=at)
            if isinstance(schedule, Phased):
                largest = (
                    max(selection.values)
                    if isinstance(selection, StepList)
                    else (selection.first + (selection.count - 1) * selection.every)
                )
                schedule.check_steps(largest, "at" if at is not None else "last")
        except ScheduleError as e:
            raise _bad(e) from None
        # A config's run ends at its last update: the range is closed there, as if given.
        closed = last is not None or (run_last is not None and at is None)
        return command(schedule=schedule, selection=selection, last_given=closed, **kwargs)

    return cast(F, _with_options(wrapper, _RANGE_OPTIONS))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


_SPAN_OPTIONS = (
    _FIRST,
    click.option(
        "--last",
        type=STEP,
        help="Last step drawn, inclusive.  [default: a quarter past the last boundary]",
    ),
)


def span_options(command: F) -> F:
    """Add --first and --last for a drawing; `command` receives `span` and `last_given`."""

    @functools.wraps(command)
    def wrapper(
        *, schedule: Schedule, run_last: int | None, first: int | None, last: int | None, **kw: Any
    ) -> Any:
        start = 0 if first is None else first
        # A quarter more than the boundaries take, so the final rate shows as more than a sliver;
        # a config's run is drawn to its last update.
        ahead = min(schedule.default_last + max(1, (schedule.default_last + 1) // 4), MAX_STEP)
        if run_last is not None:
            ahead = run_last
        try:
            span = StepRange(start, max(ahead, start) if last is None else last)
        except ScheduleError as e:
            raise _bad(e) from None
        return command(schedule=schedule, span=span, last_given=last is not None, **kw)

    return cast(F, _with_options(wrapper, _SPAN_OPTIONS))


def _warn(message: str) -> None:
    click.echo(output.for_stream(f"Warning: {message}", sys.stderr), err=True)


@contextlib.contextmanager
def _stdout() -> Iterator[BinaryIO]:
    """stdout as bytes; when the reader goes away (`| head`), end quietly."""
    out = sys.stdout.buffer
    try:
        yield out
        out.flush()
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so that flushing what is still buffered at exit cannot
        # fail again and print a traceback (the recipe in Python's `signal` docs).
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


@click.group(name="lrcli", cls=LrcliGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="lrcli", prog_name="lrcli")
def cli() -> None:
    """Inspect learning-rate schedules: the exact rate at every step."""


@cli.command()
@schedule_options
@range_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="auto is a table on a terminal and csv otherwise.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="One row per phase (a segment, a warmup, a decay...) instead of one per step.",
)
@click.option(
    "--all-rows", is_flag=True, help="In the table, show every row; long runs are not collapsed."
)
def show(
    schedule: Schedule,
    selection: Selection,
    last_given: bool,
    fmt: str,
    summary: bool,
    all_rows: bool,
) -> None:
    """Show the learning rate at each step.

    SCHEDULE is a scheduler call pasted from a training script (PyTorch, transformers, optax,
    Keras, TF1, DeepSpeed, timm), or a config file (Hugging Face, DeepSpeed, timm, Keras,
    Lightning, MMEngine). Without it, give a piecewise-constant schedule with --boundaries
    and --values.

    \b
    Examples:
      lrcli show "get_cosine_schedule_with_warmup(optimizer, 500, 10_000)" --lr 3e-4
      lrcli show training_args.json --train-samples 52_000 --world-size 8 --summary
      lrcli show --boundaries 5,10,15 --values 0.1,0.05,0.01,0.001
    """
    if summary and isinstance(selection, StepList):
        raise click.UsageError("--summary covers a range of steps; it does not go with --at")
    _warnings(schedule, selection, last_given)
    if fmt == "auto":
        fmt = "table" if stdout_is_terminal() else "csv"
    if not stdout_is_terminal():
        count = 0 if summary or (fmt == "table" and not all_rows) else selection.count
        for message in checks.long_output(count, last_given=last_given):
            _warn(message)
    with _stdout() as out:
        if summary:
            assert isinstance(selection, StepRange)
            rows = views.summary(schedule, selection, open_end=not last_given)
        if fmt == "table":
            from lrcli import table  # rich loads only for a person at a terminal

            if summary:
                assert isinstance(selection, StepRange)
                table.print_summary_table(rows, caption=schedule.description, every=selection.every)
            elif not all_rows and _smooth(schedule, selection):
                steps = views.sample_steps(schedule, selection, table.sample_rows())
                table.print_sampled_table(
                    schedule,
                    steps,
                    caption=schedule.description,
                    every=selection.every if isinstance(selection, StepRange) else None,
                )
            else:
                table.print_table(
                    schedule, selection, caption=schedule.description, all_rows=all_rows
                )
        elif summary:
            formats.SUMMARY_WRITERS[fmt](out, rows)
        else:
            formats.ROW_WRITERS[fmt](out, formats.evaluated(schedule, selection))


def _smooth(schedule: Schedule, selection: Selection) -> bool:
    """Whether the rate changes from step to step somewhere in the steps asked for."""
    if isinstance(selection, StepList):
        return views.changes_every_step(schedule, min(selection.values), max(selection.values))
    return views.changes_every_step(schedule, selection.first, selection.last)


def _warnings(schedule: Schedule, selection: Selection, last_given: bool) -> None:
    """What the schedule silently does that is almost surely a mistake, on stderr."""
    messages: list[str]
    if isinstance(schedule, PiecewiseConstant):
        messages = list(checks.warnings(schedule, selection, last_given=last_given))
    elif isinstance(schedule, Phased):
        if isinstance(selection, StepList):
            first, last = min(selection.values), max(selection.values)
        else:
            first, last = selection.first, selection.last
        messages = list(schedule.notes(first, last))
        if first == 0 and not any(m.startswith("step 0") for m in messages):
            messages.extend(_starts_at_zero(schedule))
    else:
        return
    for message in messages:
        _warn(message)


def _starts_at_zero(schedule: Phased) -> list[str]:
    """A warmup from 0: the first update trains at rate 0, whatever the framework."""
    phase = next(iter(schedule.phases(0, 0)))
    if phase.constant or float(schedule(np.zeros(1, dtype=np.int64))[0]) != 0.0:
        return []
    return [
        f"step 0 trains at rate 0.0: {schedule.api} starts from 0, so the first update does nothing"
    ]


@cli.command("export")
@schedule_options
@click.option(
    "--to",
    "target",
    type=click.Choice(TARGETS),
    required=True,
    help="The framework to write the schedule for.",
)
def export_command(schedule: Schedule, run_last: int | None, target: str) -> None:
    """Print Python code that builds the schedule in another framework.

    Any schedule lrcli reads: the target's own call where one gives the same rates (steps
    and arguments converted), else a faithful fallback computing the same formula. The
    comment at the top says how close it is, measured over the schedule's span: "Exact", or
    the largest difference in ulps and where (also warned about on stderr).

    \b
    Example:
      lrcli export --to torch --boundaries 5,10,15 --values 0.1,0.05,0.01,0.001
      lrcli export --to optax "get_cosine_schedule_with_warmup(optimizer, 500, 10_000)" --lr 3e-4
    """
    try:
        snippet = export(schedule, target)
    except ScheduleError as e:
        if e.field == "SCHEDULE":
            raise click.BadParameter(str(e), param_hint="'SCHEDULE'") from None
        raise _bad(e) from None
    if snippet.mismatches:
        count = len(snippet.mismatches)
        _warn(
            f"{snippet.why}: {count} segment{'s differ' if count > 1 else ' differs'} from lrcli's "
            "rates (listed in the code's comments)"
        )
    elif snippet.warning:
        _warn(snippet.warning)
    with _stdout() as out:
        out.write(snippet.code.encode())


@cli.command()
@schedule_options
@span_options
@click.option("--log", is_flag=True, help="Put the rate on a log scale.")
@click.option(
    "--output",
    "-o",
    type=OUTPUT,
    help="Write an image (.png, .svg or .pdf) instead of drawing in the terminal. "
    f"Needs matplotlib: {PLOT_EXTRA}.",
)
@click.option("--title", help="A title above the chart.")
@click.option(
    "--width",
    type=Whole(20, CHART_WIDTH),
    help="Terminal chart width in characters.  [default: the terminal's]",
)
@click.option(
    "--height",
    type=Whole(3, CHART_HEIGHT),
    help="Terminal chart height in rows.  [default: 12]",
)
@click.option("--size", type=SIZE, help="Image size, WIDTHxHEIGHT in inches.  [default: 8x4.5]")
@click.option("--dpi", type=Whole(10, 2400), help="PNG resolution.  [default: 150]")
def plot(
    schedule: Schedule,
    span: StepRange,
    last_given: bool,
    log: bool,
    output: Path | None,
    title: str | None,
    width: int | None,
    height: int | None,
    size: tuple[float, float] | None,
    dpi: int | None,
) -> None:
    """Draw the schedule: a chart in the terminal, or an image file with --output.

    SCHEDULE is a pasted scheduler call or a config file, as for `show`. Each drop is a
    vertical edge at the first step of the new rate; a smooth schedule is sampled at every
    phase edge and across the range, so a billion steps take no longer than ten.

    \b
    Examples:
      lrcli plot "OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)"
      lrcli plot --boundaries 5,10,15 --values 0.1,0.05,0.01,0.001 --log
    """
    segments = views.drawn_segments(schedule, span.first, span.last, columns=1000)
    if log:
        for segment in segments:
            if segment.rate <= 0:
                raise click.BadParameter(
                    f"a log scale needs rates above 0, and {segment.span} have "
                    f"{rate_text(segment.rate)}",
                    param_hint=["--log"],
                )
    if output is None and (size is not None or dpi is not None):
        raise click.UsageError("--size and --dpi go with --output, for an image file")
    if output is not None and (width is not None or height is not None):
        raise click.UsageError("--width and --height are for the terminal chart, not --output")
    if output is not None and output.suffix.lower().lstrip(".") not in ("png", "svg", "pdf"):
        raise click.BadParameter(
            f"{str(output)!r} is not a .png, .svg or .pdf file", param_hint=["--output"]
        )
    if output is not None and output.suffix.lower() == ".png":
        problem = too_many_pixels(size or (8, 4.5), dpi or 150)
        if problem is not None:
            raise click.BadParameter(problem, param_hint=["--size", "--dpi"])
    _warnings(schedule, span, last_given)
    if output is not None:
        from lrcli import figure

        try:
            fig = figure.figure(
                segments, caption=schedule.description, log=log, title=title, size=size or (8, 4.5)
            )
            figure.save(fig, output, dpi=dpi or 150)
        except figure.MissingExtra as e:
            raise click.ClickException(str(e)) from None
        return
    from lrcli import chart

    with _stdout():
        try:
            chart.print_chart(
                segments,
                span,
                caption=schedule.description,
                title=title,
                log=log,
                width=width,
                height=height or 12,
                marks=views.edges(schedule, span.first, span.last),
            )
        except chart.DoesNotFit as e:
            if width is not None:
                raise click.BadParameter(
                    f"{width} is too narrow for these rates: give {e.needed} or more",
                    param_hint=["--width"],
                ) from None
            raise click.ClickException(
                f"the terminal is {e.width} columns wide and the chart needs {e.needed}: "
                "widen it, or give --width, or --output for an image"
            ) from None


from lrcli.cli_compare import add_commands  # noqa: E402  (diff and check share show's options)

add_commands(cli)


def main() -> None:
    with output.guarded():
        cli(prog_name="lrcli")
