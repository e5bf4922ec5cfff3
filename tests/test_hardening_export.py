"""export never prints code that does not run, nor claims "Exact" where it is not: a rate
that overflows the target's float32 is bad input; a float32 subnormal is 0 there; torch's
optimizers refuse a negative lr."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

Lrcli = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--to", "keras", "--values", "1e39,0.1", "--boundaries", "5"],
            "Invalid value for '--values': the rate 1e+39 (steps 0-5) overflows float32, which "
            "Keras computes in",
        ),
        (
            ["--to", "tf1", "--values", "0.1,-1e39", "--boundaries", "5"],
            "Invalid value for '--values': the rate -1e+39 (steps 6 on) overflows float32, which "
            "TensorFlow computes in",
        ),
        (
            ["--to", "optax", "--base-lr", "1e-50", "--milestones", "5,6,7,8", "--gamma", "1e30"],
            "Invalid value for '--gamma': the rate 1.0000000000000002e+40 (step 8) overflows "
            "float32, which optax computes in",
        ),
        (
            ["--to", "optax", "--init-value", "1e39", "--scales", "1", "--boundaries", "5"],
            "Invalid value for '--init-value': the rate 1e+39 (steps 0-5) overflows float32, "
            "which optax computes in",
        ),
    ],
)
def test_a_rate_past_float32_is_bad_input_for_a_float32_target(
    lrcli: Lrcli, args: list[str], message: str
) -> None:
    result = lrcli("export", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
    assert "inf" not in result.stdout


def test_torch_keeps_rates_past_float32(lrcli: Lrcli) -> None:
    result = lrcli("export", "--to", "torch", "--values", "1e39,0.1", "--boundaries", "5")
    assert result.exit_code == 0 and "# Exact:" in result.stdout


def test_a_negative_base_lr_goes_to_torch_through_lambdalr(lrcli: Lrcli) -> None:
    result = lrcli(
        "export", "--to", "torch", "--base-lr", "-0.1", "--milestones", "5", "--gamma", "0.1"
    )
    assert result.exit_code == 0
    assert "MultiStepLR" not in result.stdout and "lr=-" not in result.stdout
    assert "lr=1.0)" in result.stdout and "rates = [-0.1, -0.010000000000000002]" in result.stdout


def test_a_float32_subnormal_is_zero_in_optax_and_never_called_exact(lrcli: Lrcli) -> None:
    args = ["--init-value", "2", "--scales", "3e-45,1", "--boundaries", "13,49"]
    result = lrcli("export", "--to", "optax", *args, "--convention", "optax", "--dtype", "float32")
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: optax computes rates in float32: 2 segments differ from lrcli's rates "
        "(listed in the code's comments)\n"
    )
    assert "# Exact" not in result.stdout
    assert "#   steps 13-48: 0.0 where lrcli shows 5.605193857299268e-45\n" in result.stdout


@pytest.mark.parametrize("target", ["keras", "tf1", "optax"])
def test_a_subnormal_value_is_zero_in_every_float32_target(lrcli: Lrcli, target: str) -> None:
    result = lrcli("export", "--to", target, "--values", "0.1,1e-40", "--boundaries", "5")
    assert result.exit_code == 0 and "# Exact" not in result.stdout
    assert "#   steps 6 on: 0.0 where lrcli shows 1e-40\n" in result.stdout


def test_one_segment_is_singular_in_the_warning(lrcli: Lrcli) -> None:
    result = lrcli("export", "--to", "keras", "--values", "0.5,1e-40", "--boundaries", "5")
    assert result.stderr == (
        "Warning: Keras computes rates in float32: 1 segment differs from lrcli's rates "
        "(listed in the code's comments)\n"
    )
