"""Speed and memory of `lrcli diff` over 10^8 steps of two smooth schedules, as a ratio to
evaluating one of them to /dev/null with `lrcli show`, measured in the same run.

    python benchmarks/bench_diff.py [--steps N] [--repeat R] [--show-repeat S]

Issue 11: a 10^8-step comparison is timed against
`lrcli show A --last 99999999 --format csv > /dev/null`; each figure is the best of R runs.
A and B are cosine schedules whose lengths differ by one step, so they differ at almost every
step (one long run), the costlier case: the differing path counts ulps on every chunk.
"""

from __future__ import annotations

import argparse
import sys

from timing import best, peak_rss_mib

A = "get_cosine_schedule_with_warmup(optimizer, 500, {n})"
LRCLI = [sys.executable, "-m", "lrcli"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--show-repeat",
        type=int,
        help="runs of the show baseline (each row of a smooth schedule is its own text: "
        "slow, minutes for 10^8)  [default: --repeat]",
    )
    args = parser.parse_args()
    n, last = args.steps, args.steps - 1
    a, b = A.format(n=n), A.format(n=n + 1)
    show = [*LRCLI, "show", a, "--lr", "3e-4", "--last", str(last), "--format", "csv"]
    different = [*LRCLI, "diff", a, b, "--lr", "3e-4", "--last", str(last), "--format", "csv"]
    same = [*LRCLI, "diff", a, a, "--lr", "3e-4", "--last", str(last), "--format", "csv"]
    baseline = best(show, args.show_repeat or args.repeat)
    differ = best(different, args.repeat, ok=(1,))
    equal = best(same, args.repeat)
    print(f"show A, {n:,} steps to /dev/null: {baseline:.2f} s")
    print(f"diff A B (differ almost everywhere): {differ:.2f} s = {differ / baseline:.3g}x show")
    print(f"diff A A (equal everywhere): {equal:.2f} s = {equal / baseline:.3g}x show")
    print(f"peak memory of diff A B: {peak_rss_mib(different):.0f} MiB")


if __name__ == "__main__":
    main()
