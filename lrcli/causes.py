"""Why a training log departs from its schedule: the usual mistakes, recognised from the rates.

Each cause is a map from the log's step k to the schedule step whose rate the run actually got;
a cause is named only when that map explains every logged rate from the first departure on:

- a stretch factor c: step k ran at the schedule's c * k (the scheduler stepped twice per
  update, or per micro-batch with gradient accumulation c, or counted for c processes);
- an offset d: step k ran at k + d (the lr logged after `scheduler.step()`, a loop counting
  from 1, a resumed run whose scheduler started over);
- per-epoch stepping: step k ran at k // N (the scheduler stepped once per epoch of N updates);
- a schedule rebuilt with another length on resume (for a pasted call: the same call with its
  length, and the steps scaled with it, set to where the log ends).
"""

from __future__ import annotations

import ast
import itertools
import math
from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from lrcli.compare import EXACT, Tolerance, agree, equal_rates, expected_rates, is_single
from lrcli.encode import rate_text
from lrcli.schedule import CHUNK, MAX_STEP, Schedule, ScheduleError
from lrcli.smooth import Phased

Steps = NDArray[np.int64]
Floats = NDArray[np.float64]
Rebuild = Callable[[int], Iterator[tuple[str, Schedule]]]
"""Given the length a run actually had, schedules it may have been rebuilt as, with a label."""

SEARCH = 10_000_000
"""The most schedule steps searched for a logged rate."""


class Departure(NamedTuple):
    """The first log entry that differs from the schedule, and what explains it."""

    step: int
    """Schedule step k."""
    logged: int
    """The step as the log writes it."""
    rate: float
    expected: float
    cause: str | None

    def words(self, offset: int) -> str:
        where = f"step {self.step}"
        if offset:
            where += f" (logged as step {self.logged})"
        said = (
            f"from {where} the run's rate is {rate_text(self.rate)} where the schedule has "
            f"{rate_text(self.expected)}"
        )
        return f"{said}: {self.cause}" if self.cause else said


class _Evidence:
    def __init__(
        self, steps: Steps, rates: Floats, schedule: Schedule, single: bool, tol: Tolerance
    ) -> None:
        self.steps, self.rates, self.schedule = steps, rates, schedule
        self.single, self.tol = single, tol

    def fits(self, mapped: Steps, schedule: Schedule | None = None) -> bool:
        """Whether the log's rates are `schedule` (the planned one) at `mapped` steps."""
        schedule = self.schedule if schedule is None else schedule
        if not len(mapped) or mapped.min() < 0:
            return False
        try:
            if isinstance(schedule, Phased):
                schedule.check_steps(int(mapped.max()), "steps")
            return bool(
                agree(mapped, self.rates, schedule, single=self.single, tolerance=self.tol).all()
            )
        except ScheduleError:
            return False

    def where(self, rate: float, limit: int) -> list[int]:
        """The first schedule steps (at most 64) whose rate is `rate`, up to `limit`."""
        found: list[int] = []
        for start in range(0, limit + 1, CHUNK):
            steps = np.arange(start, min(start + CHUNK, limit + 1), dtype=np.int64)
            try:
                if isinstance(self.schedule, Phased):
                    self.schedule.check_steps(int(steps[-1]), "steps")
                values = expected_rates(self.schedule, steps, self.single)
            except ScheduleError:
                break
            same = equal_rates(
                values,
                np.full(len(values), rate),
                single=self.single or is_single(self.schedule),
                tolerance=self.tol,
            )
            found += steps[same][: 64 - len(found)].tolist()
            if len(found) >= 64:
                break
        return found


def departure(
    steps: Steps,
    rates: Floats,
    logged: Steps,
    schedule: Schedule,
    *,
    single: bool = False,
    tolerance: Tolerance = EXACT,
    offset: int = 0,
    rebuild: Rebuild | None = None,
    planned: int | None = None,
) -> Departure | None:
    """The first entry of the log (`rates` at schedule `steps`, `logged` as written) that
    departs from `schedule`, with its cause where the evidence names one; None if none does.

    `rebuild` gives the schedules the run may have been rebuilt as for another length: the
    log's own end and `planned` (the run's length where the log says it) are tried."""
    ok = agree(steps, rates, schedule, single=single, tolerance=tolerance)
    if ok.all():
        return None
    i0 = int(np.flatnonzero(~ok)[0])
    k0 = int(steps[i0])
    expected = float(expected_rates(schedule, steps[i0 : i0 + 1], single)[0])
    found = Departure(k0, int(logged[i0]), float(rates[i0]), expected, None)
    evidence = _Evidence(steps[i0:], rates[i0:], schedule, single, tolerance)
    cause = _cause(evidence, steps, rates, i0, offset, rebuild, planned)
    return found._replace(cause=cause)


def _cause(
    evidence: _Evidence,
    steps: Steps,
    rates: Floats,
    i0: int,
    offset: int,
    rebuild: Rebuild | None,
    planned: int | None,
) -> str | None:
    late = evidence.steps
    k0 = int(late[0])
    # Per-epoch stepping: the rate changes only every N steps, and is the schedule's at k // N.
    changes = steps[1:][rates[1:] != rates[:-1]]
    per = math.gcd(*changes.tolist()) if len(changes) else 0
    if per >= 2 and evidence.fits(late // per):
        return (
            f"it is the schedule's at step {k0 // per}: every step k runs at the schedule's "
            f"k // {per}, so the scheduler steps once per {per} updates (once per epoch?)"
        )
    span = int(steps.max()) + 1
    limit = min(max(4 * span, 2 * evidence.schedule.default_last + 2), SEARCH)
    with_k = np.flatnonzero(late > 0)
    if len(with_k):
        k1 = int(late[with_k[0]])
        candidates = evidence.where(float(evidence.rates[with_k[0]]), limit)
        for j in candidates:
            if j % k1 == 0 and j // k1 >= 2:
                c = j // k1
                if late.max() <= MAX_STEP // c and evidence.fits(late * c):
                    times = "twice" if c == 2 else f"{c} times"
                    return (
                        f"it is the schedule's at step {c * k0}: every step k runs at the "
                        f"schedule's {c} * k, so the scheduler steps {times} per update (a "
                        f"scheduler.step() too many, or stepped per micro-batch with gradient "
                        f"accumulation {c}, or a length counted for {c} processes?)"
                    )
        for j in candidates:
            d = j - k1
            if d and evidence.fits(late + d):
                return _offset_words(k0, d, offset, at_start=i0 == 0)
    lengths = dict.fromkeys(n for n in (planned, span) if n is not None and n > 0)
    for length in lengths if rebuild is not None else ():
        assert rebuild is not None
        for label, rebuilt in rebuild(length):
            if evidence.fits(late, rebuilt):
                if _Evidence(steps, rates, rebuilt, evidence.single, evidence.tol).fits(steps):
                    return (
                        f"the whole run follows {label}: a schedule built for {length} steps, "
                        "not the length planned"
                    )
                return (
                    f"from there the run follows {label}: the schedule was rebuilt for "
                    f"{length} steps when the run resumed (num_train_epochs or max_steps "
                    "changed?)"
                )
    end = evidence.schedule.default_last
    if i0 > 0 and int(steps.max()) > end > 0:
        return (
            f"the log goes on to step {int(steps.max())}, past the schedule's end at step "
            f"{end}: a schedule rebuilt for another length on resume?"
        )
    return None


def _offset_words(k0: int, d: int, offset: int, *, at_start: bool) -> str:
    ahead = "ahead of" if d > 0 else "behind"
    steps = "step" if abs(d) == 1 else "steps"
    said = (
        f"it is the schedule's at step {k0 + d}: every step k runs at the schedule's "
        f"k {'+' if d > 0 else '-'} {abs(d)}, {abs(d)} {steps} {ahead} it"
    )
    if at_start and d > 0:
        why = (
            "the lr logged after scheduler.step() (transformers 4.50 or older writes the next "
            "update's rate)?"
        )
    elif at_start:
        why = "a loop that counts its steps from 1?"
    elif d < 0:
        why = "a resumed run whose scheduler started again from 0?"
    else:
        why = "a resumed run whose scheduler was stepped ahead?"
    return f"{said}: {why} (--offset {offset + d} if that is how the log counts)"


def relengthened(
    text: str, old: int, new: int, build: Callable[[str], Schedule]
) -> Iterator[tuple[str, Schedule]]:
    """The pasted call `text` with its length `old` set to `new`, and each smaller whole
    number in it (a warmup) kept or scaled in proportion: the schedules a Trainer rebuilds
    when a run is resumed with another length."""
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return
    starts = [0, *itertools.accumulate(len(line) + 1 for line in source.split("\n"))]
    places: list[tuple[int, int, list[int]]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and type(node.value) is int
            and node.end_lineno is not None
            and node.end_col_offset is not None
        ):
            value = node.value
            lo = starts[node.lineno - 1] + node.col_offset
            hi = starts[node.end_lineno - 1] + node.end_col_offset
            if value == old:
                places.append((lo, hi, [new]))
            elif 0 < value < old:
                scaled = value * new / old
                options = dict.fromkeys([value, math.ceil(scaled), round(scaled), int(scaled)])
                places.append((lo, hi, list(options)))
    if not any(options == [new] for _, _, options in places) or len(places) > 6:
        return
    places.sort()
    for choice in itertools.product(*(options for _, _, options in places)):
        pieces, at = [], 0
        for (lo, hi, _), value in zip(places, choice, strict=True):
            pieces += [source[at:lo], str(value)]
            at = hi
        variant = "".join([*pieces, source[at:]])
        try:
            yield " ".join(variant.split()), build(variant)
        except ScheduleError:
            continue
