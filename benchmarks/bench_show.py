"""Speed and memory of `lrcli show`, as ratios against baselines measured in the same run.

    python benchmarks/bench_show.py [--rows N] [--repeat R]

Targets (issue 2): N=10,000,000 CSV rows take at most 5x `seq 0 N-1`, and run at least 20x
faster than `numpy.savetxt` writing the same rows; a small `show` starts in at most 1.5x the
time of `python -c "import click, numpy"`; peak memory stays under 100 MiB for any range.
Issue 4: `lrcli plot` over a billion steps takes about the time of one over twenty, since it
draws from the segments.
Each figure is the best of R runs (the least disturbed by other load on a shared machine).
"""

from __future__ import annotations

import argparse
import sys

from timing import best, best_pair, gnu_seq, lrcli_command, peak_rss_mib

EXAMPLE = ["--boundaries", "5,10,15", "--values", "0.1,0.05,0.01,0.001"]
LRCLI = [sys.executable, "-m", "lrcli", "show", *EXAMPLE]
PLOT = [sys.executable, "-m", "lrcli", "plot", *EXAMPLE, "--width", "80"]

SAVETXT = """
import sys, numpy as np
n = int(sys.argv[1])
steps = np.arange(n)
rates = np.select([steps <= 5, steps <= 10, steps <= 15], [0.1, 0.05, 0.01], 0.001)
np.savetxt(sys.stdout.buffer, np.column_stack([steps, rates]), fmt=["%d", "%r"], delimiter=",",
           header="step,lr", comments="")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, r = args.rows, args.repeat
    seq = gnu_seq()

    csv = [*LRCLI, "--last", str(n - 1), "--format", "csv"]
    t_lrcli = best(csv, r)
    t_seq = best([seq, "0", str(n - 1)], r)
    # savetxt is slow: time a tenth of the rows and scale, which favours it if anything.
    t_savetxt = best([sys.executable, "-c", SAVETXT, str(n // 10)], 1) * 10
    t_small, t_import = best_pair(
        [*lrcli_command(), "show", *EXAMPLE, "--format", "csv"],
        [sys.executable, "-c", "import click, numpy"],
        r * 7,
    )
    t_plot_small = best(PLOT, r * 3)
    t_plot_huge = best([*PLOT, "--last", str(10**9)], r * 3)
    mem_csv = peak_rss_mib([*LRCLI, "--last", str(4 * n - 1), "--format", "csv"])
    mem_json = peak_rss_mib([*LRCLI, "--last", str(10**11), "--every", "1000", "--format", "json"])
    mem_table = peak_rss_mib([*LRCLI, "--last", str(10**18), "--format", "table"])

    print(f"rows: {n:,}   best of {r}")
    print(f"lrcli csv          {t_lrcli:8.3f} s")
    print(f"seq                {t_seq:8.3f} s   lrcli / seq      = {t_lrcli / t_seq:5.2f}  (<= 5)")
    print(
        f"numpy.savetxt      {t_savetxt:8.3f} s   savetxt / lrcli  = {t_savetxt / t_lrcli:5.1f}"
        "  (>= 20)"
    )
    print(f"small show         {t_small:8.3f} s")
    print(
        f"import click,numpy {t_import:8.3f} s   small / import   = {t_small / t_import:5.2f}"
        "  (<= 1.5)"
    )
    print(f"plot, 21 steps     {t_plot_small:8.3f} s")
    print(
        f"plot, 10^9 steps   {t_plot_huge:8.3f} s   huge / small     = "
        f"{t_plot_huge / t_plot_small:5.2f}  (about 1)"
    )
    print(f"peak memory: {4 * n:,} csv rows           {mem_csv:6.1f} MiB  (< 100)")
    print(f"peak memory: 10^8 json rows (--every 1000) {mem_json:6.1f} MiB  (< 100)")
    print(f"peak memory: table of 10^18 steps          {mem_table:6.1f} MiB  (< 100)")


if __name__ == "__main__":
    main()
