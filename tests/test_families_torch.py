"""lrcli against the real PyTorch, for schedules beyond the golden records (skipped without torch).

The call text is evaluated by torch itself, stepped as a training loop steps it, and every
rate compared with `==`. CI installs torch 2.13.0, the version the golden records come from.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcli

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.frameworks


def torch_rates(call: str, lr: float, last: int) -> list[float]:
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr, momentum=0.9)
    names = {"optimizer": optimizer, **vars(torch.optim.lr_scheduler)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scheduler = eval(call, names)  # the test's own call text, as a training script runs it
        out = [optimizer.param_groups[0]["lr"]]
        for _ in range(last):
            optimizer.step()
            scheduler.step()
            out.append(optimizer.param_groups[0]["lr"])
    return out


CALLS = [
    "ChainedScheduler([LinearLR(optimizer, 0.1, total_iters=10), "
    "CosineAnnealingLR(optimizer, 50, 1e-4)])",
    "ChainedScheduler([CosineAnnealingLR(optimizer, 7, 1e-3), StepLR(optimizer, 5, 0.5)])",
    "ChainedScheduler([ExponentialLR(optimizer, 0.99), "
    "CosineAnnealingWarmRestarts(optimizer, 20, 2, 1e-5)])",
    "SequentialLR(optimizer, [LinearLR(optimizer, 0.01, total_iters=20), "
    "CosineAnnealingWarmRestarts(optimizer, 15, 2)], milestones=[20])",
    "SequentialLR(optimizer, [ExponentialLR(optimizer, 0.9), "
    "CosineAnnealingLR(optimizer, 30, 1e-6), ConstantLR(optimizer, 0.5, 10)], milestones=[10, 70])",
    "SequentialLR(optimizer, [MultiStepLR(optimizer, [0, 0, 5]), "
    "PolynomialLR(optimizer, 40, 0.5)], milestones=[9])",
    "CosineAnnealingLR(optimizer, 1, 1e-5)",
    "CosineAnnealingLR(optimizer, 3)",
    "LinearLR(optimizer, 1.0, 0.0, 0)",
    "ConstantLR(optimizer, 0.5, 0)",
    "CyclicLR(optimizer, 0.01, 0.1, 3, 0)",
]


@pytest.mark.parametrize("call", CALLS)
def test_lrcli_steps_as_torch_does(call: str) -> None:
    expected = torch_rates(call, 0.1, 300)
    assert lrcli.parse(call, lr=0.1)(np.arange(301)).tolist() == expected


children = st.sampled_from(
    [
        "StepLR(optimizer, {n}, 0.7)",
        "MultiStepLR(optimizer, [{n}, {m}])",
        "ConstantLR(optimizer, 0.3, {n})",
        "LinearLR(optimizer, 0.2, 0.9, {n})",
        "ExponentialLR(optimizer, 0.98)",
        "PolynomialLR(optimizer, {n}, 1.5)",
        "CosineAnnealingLR(optimizer, {n}, 2e-4)",
        "CosineAnnealingWarmRestarts(optimizer, {n}, 2, 1e-6)",
    ]
)


@settings(max_examples=30, deadline=None)
@given(
    kids=st.lists(
        st.tuples(children, st.integers(1, 40), st.integers(41, 90)), min_size=2, max_size=3
    ),
    chained=st.booleans(),
    gap=st.integers(1, 60),
)
def test_compositions_step_as_torch_does(
    kids: list[tuple[str, int, int]], chained: bool, gap: int
) -> None:
    parts = ", ".join(template.format(n=n, m=m) for template, n, m in kids)
    if chained:
        call = f"ChainedScheduler([{parts}])"
    else:
        milestones = [gap * (i + 1) for i in range(len(kids) - 1)]
        call = f"SequentialLR(optimizer, [{parts}], milestones={milestones})"
    assert lrcli.parse(call, lr=0.05)(np.arange(201)).tolist() == torch_rates(call, 0.05, 200)
