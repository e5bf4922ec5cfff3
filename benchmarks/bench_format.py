"""Speed and memory of CSV output where every row has its own rate, against `seq`.

    python benchmarks/bench_format.py [--rows N] [--repeat R] [--check K]

Issue 12: N=10,000,000 CSV rows of a cosine schedule with linear warmup, the rates computed
by numpy as transformers' `get_cosine_schedule_with_warmup` does (lr 3e-4, 100,000 warmup
steps, N steps in all) and written by `lrcli.formats.write_csv` in chunks of 32,768 rows,
take at most 10x `seq 0 N-1` (aim: 6x). The same rates rounded to float32 and widened back
to float64 are no slower. Peak memory stays under 64 MiB. JSON lines the same. The first K rows
(200,000) of each are checked byte for byte against Python's own formatting,
f"{step},{rate!r}".
The benchmark's own share, starting Python and computing the rates, is timed apart.
Each time is the best of R runs (the least disturbed by other load on a shared machine), each
run a fresh process, like `seq`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from timing import best, gnu_seq, peak_rss_mib

# One process per run: builds the rates chunk by chunk, as `lrcli show` does, and writes them.
WRITER = """
import sys
import numpy as np
from lrcli import formats

n, dtype = int(sys.argv[1]), sys.argv[2]
lr, warmup, chunk = 3e-4, 100_000, 32_768

def rates(steps):
    # transformers' lr_lambda, one branch per step: lr * step / warmup during warmup, then
    # lr * max(0, 0.5 * (1 + cos(pi * cycles(0.5) * 2 * progress))).
    k = steps.astype(np.float64)
    warm = lr * (k / warmup) if steps[0] < warmup else None
    if steps[-1] >= warmup:
        progress = (k - warmup) / (n - warmup)
        out = lr * np.maximum(0.0, 0.5 * (1.0 + np.cos(np.pi * 0.5 * 2.0 * progress)))
        if warm is not None:  # the chunk where warmup ends
            out = np.where(steps < warmup, warm, out)
    else:
        out = warm
    return out.astype(np.float32).astype(np.float64) if dtype == "float32" else out

def chunks():
    for start in range(0, n, chunk):
        steps = np.arange(start, min(start + chunk, n), dtype=np.int64)
        yield steps, rates(steps)

if sys.argv[3] == "rates":  # only the rates: what the benchmark itself costs
    for _ in chunks():
        pass
else:
    getattr(formats, f"write_{sys.argv[3]}")(sys.stdout.buffer, chunks())
"""

# The reference: the same rates, each row formatted by Python.
REFERENCE = """
import sys
import numpy as np
exec(sys.argv[4])
row = "{},{!r}\\n" if sys.argv[3] == "csv" else '{{"step": {}, "lr": {!r}}}\\n'
out = [b"step,lr\\n"] if sys.argv[3] == "csv" else []
for steps, values in chunks():
    out.extend(row.format(s, r).encode() for s, r in zip(steps.tolist(), values.tolist()))
sys.stdout.buffer.write(b"".join(out))
"""


def check(rows: int, dtype: str, form: str) -> None:
    """The first `rows` rows, byte for byte against Python's formatting."""
    got = subprocess.run(
        [sys.executable, "-c", WRITER, str(rows), dtype, form], capture_output=True, check=True
    ).stdout
    # The reference needs the writer's `chunks`, so it runs the writer's text up to the call.
    setup = WRITER[: WRITER.index("if sys.argv[3]")].replace("from lrcli import formats", "")
    want = subprocess.run(
        [sys.executable, "-c", REFERENCE, str(rows), dtype, form, setup],
        capture_output=True,
        check=True,
    ).stdout
    if got != want:
        at = next(i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b)
        sys.exit(
            f"{dtype} {form}: output differs from repr at byte {at}: {got[at - 40 : at + 40]!r}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", type=int, default=200_000)
    args = parser.parse_args()
    n, r = args.rows, args.repeat
    seq = gnu_seq()

    for dtype in ("float64", "float32"):
        for form in ("csv", "jsonl"):
            check(min(args.check, n), dtype, form)
    t_seq = best([seq, "0", str(n - 1)], r)
    t64 = best([sys.executable, "-c", WRITER, str(n), "float64", "csv"], r)
    t32 = best([sys.executable, "-c", WRITER, str(n), "float32", "csv"], r)
    t_jsonl = best([sys.executable, "-c", WRITER, str(n), "float64", "jsonl"], r)
    t_start = best([sys.executable, "-c", "import numpy, lrcli.formats"], r)
    t_rates = best([sys.executable, "-c", WRITER, str(n), "float64", "rates"], r)
    mem = peak_rss_mib([sys.executable, "-c", WRITER, str(n), "float64", "jsonl"])

    print(f"rows: {n:,}   best of {r}   first {min(args.check, n):,} rows identical to repr")
    print(f"seq                  {t_seq:8.3f} s")
    print(f"cosine, float64      {t64:8.3f} s   / seq = {t64 / t_seq:5.2f}  (<= 10, aim 6)")
    print(f"cosine, float32      {t32:8.3f} s   / seq = {t32 / t_seq:5.2f}  (no slower)")
    print(f"cosine, jsonl        {t_jsonl:8.3f} s   / seq = {t_jsonl / t_seq:5.2f}  (the same)")
    print(f"of which start-up    {t_start:8.3f} s   (python, numpy, lrcli imported)")
    print(f"start-up and rates   {t_rates:8.3f} s   (the float64 run without writing)")
    print(f"peak memory          {mem:8.1f} MiB (< 64)")


if __name__ == "__main__":
    main()
