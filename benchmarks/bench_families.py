"""Speed of smooth schedules, as ratios against baselines measured in the same run.

    python benchmarks/bench_families.py [--rows N] [--repeat R]

- N CSV rows of `get_cosine_schedule_with_warmup` (every rate different) against
  `seq 0 N-1` (issue 7 reports it; issue 12 sets at most 10x).
- The exact `CosineAnnealingLR(eta_min > 0)` recursion, per million steps, against a bare
  Python loop of the same recursion (issue 7; issue 12: no worse than the loop).
- Evaluation alone (rates to a numpy array) of a closed-form family against numpy evaluating
  the same formula directly (issue 12: within 2x).
- `plot` of a smooth schedule over 10**9 steps against one over 10**3 (issue 7: as quick).
- A small `show` of a pasted call against `python -c "import click, numpy"` (at most 1.3x).
Each figure is the best of R runs (the least disturbed by other load on a shared machine).
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np

import lrcli
from timing import best, best_call, best_pair, gnu_seq, lrcli_command

COSINE = (
    "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=100_000, "
    "num_training_steps=10_000_000)"
)
ANNEAL = "CosineAnnealingLR(optimizer, T_max=1_000_000, eta_min=1e-5)"
SHOW = [sys.executable, "-m", "lrcli", "show"]


def bare_loop(steps: int) -> list[float]:
    """torch's CosineAnnealingLR.get_lr recursion, as a plain Python loop."""
    lr, base, eta, t = 0.1, 0.1, 1e-5, 1_000_000
    out = [lr]
    for k in range(1, steps):
        if (k - 1 - t) % (2 * t) == 0:
            lr = lr + (base - eta) * (1 - math.cos(math.pi / t)) / 2
        else:
            lr = (1 + math.cos(math.pi * k / t)) / (1 + math.cos(math.pi * (k - 1) / t)) * (
                lr - eta
            ) + eta
        out.append(lr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, r = args.rows, args.repeat
    seq = gnu_seq()

    csv = [*SHOW, COSINE, "--lr", "3e-4", "--last", str(n - 1), "--format", "csv"]
    t_csv = best(csv, r)
    t_seq = best([seq, "0", str(n - 1)], r)

    million = 1_000_000

    def exact() -> None:
        schedule = lrcli.parse(ANNEAL, lr=0.1)  # fresh: no checkpoint to start from
        schedule(np.arange(million))

    t_walk = best_call(exact, r)
    t_loop = best_call(lambda: bare_loop(million), r)

    steps = np.arange(10**8 // 10, dtype=np.int64)  # a tenth of 10**8, in memory at once
    hf = lrcli.parse(COSINE, lr=3e-4)

    def direct() -> None:
        k = steps.astype(np.float64)
        progress = (k - 100_000) / 9_900_000.0
        decay = np.maximum(0.0, 0.5 * (1.0 + np.cos(math.pi * 0.5 * 2.0 * progress)))
        3e-4 * np.where(steps < 100_000, k / 100_000.0, decay)

    t_eval = best_call(lambda: hf(steps), r)
    t_numpy = best_call(direct, r)

    plot = [sys.executable, "-m", "lrcli", "plot", COSINE, "--lr", "3e-4", "--width", "80"]
    t_plot_small = best([*plot, "--last", "1000"], r * 2)
    t_plot_huge = best([*plot, "--last", str(10**9)], r * 2)
    small = [*lrcli_command(), "show", COSINE, "--lr", "3e-4", "--at", "0,500,10000"]
    t_small, t_import = best_pair(small, [sys.executable, "-c", "import click, numpy"], r * 7)

    print(f"{n:,} CSV rows of get_cosine_schedule_with_warmup: {t_csv:.2f} s")
    print(f"  seq 0 {n - 1}: {t_seq:.3f} s  ->  {t_csv / t_seq:.1f}x seq")
    print(f"CosineAnnealingLR(eta_min>0), exact recursion, per million steps: {t_walk:.3f} s")
    print(f"  bare Python loop of the same recursion: {t_loop:.3f} s  ->  {t_walk / t_loop:.2f}x")
    print(f"evaluating {len(steps):,} steps of the HF cosine: {t_eval:.3f} s")
    print(f"  numpy on the formula directly: {t_numpy:.3f} s  ->  {t_eval / t_numpy:.2f}x")
    print(
        f"plot over 10**9 steps: {t_plot_huge:.3f} s, over 10**3: {t_plot_small:.3f} s  ->  "
        f"{t_plot_huge / t_plot_small:.2f}x"
    )
    print(
        f"small show of a pasted call: {t_small:.3f} s, import click, numpy: {t_import:.3f} s"
        f"  ->  {t_small / t_import:.2f}x"
    )


if __name__ == "__main__":
    main()
