"""Pasted scheduler calls on the command line: exact output, warnings, and every bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

Lrcli = Callable[..., Result]

COSINE = (
    "get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=500, num_training_steps=10_000)"
)
WARMUP_NOTE = (
    "Warning: step 0 trains at rate 0.0: get_cosine_schedule_with_warmup's warmup starts from 0 "
    "(step / 500), so the first update does nothing\n"
)


def test_the_issue_example_answers_at_the_steps_asked(lrcli: Lrcli) -> None:
    result = lrcli("show", COSINE, "--lr", "3e-4", "--at", "0,1,499,500,10000")
    assert result.exit_code == 0
    assert result.stdout == (
        "step,lr\n0,0.0\n1,6e-07\n499,0.00029939999999999996\n500,0.0003\n10000,0.0\n"
    )
    assert result.stderr == WARMUP_NOTE


def test_fully_qualified_and_imported_names_are_the_same_schedule(lrcli: Lrcli) -> None:
    outputs = {
        lrcli(
            "show", f"{prefix}StepLR(optimizer, 3, gamma=0.5)", "--lr", "1", "--at", "0,3,6"
        ).stdout
        for prefix in ("", "lr_scheduler.", "torch.optim.lr_scheduler.", "optim.lr_scheduler.")
    }
    assert outputs == {"step,lr\n0,1.0\n3,0.5\n6,0.25\n"}
    hf = {
        lrcli("show", f"{prefix}get_constant_schedule(optimizer)", "--lr", "2", "--at", "9").stdout
        for prefix in ("", "transformers.", "transformers.optimization.")
    }
    assert hf == {"step,lr\n9,2.0\n"}


def test_summary_has_a_row_per_phase_with_its_shape(lrcli: Lrcli) -> None:
    result = lrcli("show", COSINE, "--lr", "3e-4", "--summary")
    assert result.stdout == (
        "first_step,last_step,lr,last_lr,shape\n"
        "0,499,0.0,0.00029939999999999996,linear\n"
        "500,9999,0.0003,8.201887236047866e-12,cosine\n"
        "10000,,0.0,,cosine\n"
    )


def test_summary_closed_by_last_gives_the_last_rate(lrcli: Lrcli) -> None:
    result = lrcli("show", COSINE, "--lr", "3e-4", "--summary", "--first", "400", "--last", "20000")
    assert result.stdout == (
        "first_step,last_step,lr,last_lr,shape\n"
        "400,499,0.00023999999999999998,0.00029939999999999996,linear\n"
        "500,9999,0.0003,8.201887236047866e-12,cosine\n"
        "10000,20000,0.0,0.00029795419551040833,cosine\n"
    )
    assert "rises again after step 10000 (0.0 -> 8.201887236047866e-12" in result.stderr


def test_summary_of_a_one_cycle(lrcli: Lrcli) -> None:
    call = "torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=1000)"
    result = lrcli("show", call, "--summary", "--format", "json")
    assert result.stdout == (
        "[\n"
        '  {"first_step": 0, "last_step": 299, "lr": 0.0040000000000000036, "last_lr": 0.1, '
        '"shape": "cosine"},\n'
        '  {"first_step": 300, "last_step": 1000, "lr": 0.09999949645161448, '
        '"last_lr": 9.035483855369959e-07, "shape": "cosine"}\n'
        "]\n"
    )


TABLE = """\
transformers get_cosine_schedule_with_warmup · float64, base_lr × lr_lambda(step)
phase edges and evenly spaced steps between (--all-rows for every step)
 step  lr
    0  0.0
    1  6e-07
  499  0.00029939999999999996
─────  cosine from step 500
  500  0.0003
  501  0.0002999999917981127
 1667  0.0002889678870760133
 3333  0.0002388486104428272
 5000  0.00016238690182084986
 6667  8.225524351035567e-05
 8333  2.2220748224181446e-05
 9999  8.201887236047866e-12
─────  cosine from step 10000
10000  0.0
"""


def test_table_of_a_smooth_schedule_shows_each_edge_and_samples_between(
    lrcli: Lrcli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lrcli import table

    monkeypatch.setattr(table, "sample_rows", lambda: 12)
    result = lrcli("show", COSINE, "--lr", "3e-4", "--format", "table")
    assert result.stdout == TABLE


def test_every_step_of_a_smooth_schedule_streams_as_csv(lrcli: Lrcli) -> None:
    call = "get_linear_schedule_with_warmup(optimizer, 2, 6)"
    result = lrcli("show", call, "--lr", "0.5")
    assert result.stdout == ("step,lr\n0,0.0\n1,0.25\n2,0.5\n3,0.375\n4,0.25\n5,0.125\n6,0.0\n")


CHART = """\
transformers get_linear_schedule_with_warmup · float64, base_lr × lr_lambda(step) · linear scale
 lr ╷
0.1 ┤   ⢠⠏⠓⠲⠤⢤⣀⡀
    │   ⡞      ⠉⠉⠓⠲⠤⢤⣀⡀
    │  ⣰⠃             ⠉⠉⠓⠲⠤⢤⣀⡀
    │ ⢠⠇                     ⠉⠙⠒⠲⠤⣄⣀
    │⢠⠏                            ⠈⠉⠙⠒⠦⠤⣄⣀
  0 ┤⡞                                    ⠈⠉⠙⠒⠦⠤⣄⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀
    └────┴──────────────────────────────────────┴───────────
    0    10                                     100      125
                                                        step
"""


def test_chart_of_a_smooth_schedule_ticks_its_phase_edges(lrcli: Lrcli) -> None:
    call = "get_linear_schedule_with_warmup(optimizer, 10, 100)"
    result = lrcli("plot", call, "--lr", "0.1", "--width", "60", "--height", "6")
    assert result.stdout == CHART


def test_chart_over_a_billion_steps_uses_the_closed_form_for_a_long_recursion(
    lrcli: Lrcli,
) -> None:
    call = "CosineAnnealingLR(optimizer, T_max=900_000_000, eta_min=1e-5)"
    result = lrcli("plot", call, "--lr", "0.1", "--width", "60", "--height", "6")
    assert result.exit_code == 0
    assert "900000000" in result.stdout


def test_lr_ignored_where_the_schedule_sets_the_rate(lrcli: Lrcli) -> None:
    result = lrcli("show", "OneCycleLR(optimizer, 0.1, 100)", "--lr", "3", "--at", "0")
    assert result.exit_code == 0
    assert result.stderr == "Warning: --lr is ignored: OneCycleLR sets the rate itself\n"


def test_base_lr_is_an_alias_of_lr(lrcli: Lrcli) -> None:
    result = lrcli("show", "StepLR(optimizer, 2)", "--base-lr", "1", "--at", "2")
    assert result.stdout == "step,lr\n2,0.1\n"


def test_far_step_of_a_recursion_asks_for_the_closed_form(lrcli: Lrcli) -> None:
    call = "CosineAnnealingLR(optimizer, 100, 1e-5)"
    result = lrcli("show", call, "--lr", "0.1", "--at", "1000000000")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Invalid value for '--at': step 1000000000 takes 1,000,000,000 steps of "
        "CosineAnnealingLR's recursion, more than the 100,000,000 lrcli walks to answer exactly; "
        "add --closed-form for torch's closed form, which differs from what training computes "
        "in the last digits (by thousands of ulps for a long CosineAnnealingLR)\n"
    )
    closed = lrcli("show", call, "--lr", "0.1", "--at", "1000000000", "--closed-form")
    assert closed.stdout == "step,lr\n1000000000,0.1\n"


def test_a_rate_that_settles_answers_any_step_at_once(lrcli: Lrcli) -> None:
    result = lrcli(
        "show", "ExponentialLR(optimizer, 0.5)", "--lr", "0.1", "--at", "9223372036854775807"
    )
    assert result.stdout == "step,lr\n9223372036854775807,0.0\n"
    step = lrcli("show", "StepLR(optimizer, 1000000000000)", "--lr", "1", "--at", "5000000000000")
    assert step.stdout == "step,lr\n5000000000000,1.0000000000000004e-05\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["__import__('os').system('echo pwned')"],
            "Invalid value for 'SCHEDULE': \"__import__('os')\" is not a schedule's name; "
            "call it by name, such as 'torch.optim.lr_scheduler.StepLR(...)'",
        ),
        (
            ["CosineAnnealingLR(optimizer, T_max=0)", "--lr", "0.1"],
            "Invalid value for 'SCHEDULE': CosineAnnealingLR: T_max=0 must be at least 1",
        ),
        (
            ["NoSuchSchedule(optimizer, 3)"],
            "Invalid value for 'SCHEDULE': 'NoSuchSchedule' is not a schedule lrcli knows; "
            "did you mean 'WSDLRScheduler'?",
        ),
        (
            ["get_cosine_schedule_with_warmup(optimizer, 10, num_training_step=100)", "--lr", "1"],
            "Invalid value for 'SCHEDULE': get_cosine_schedule_with_warmup has no argument "
            "'num_training_step'; did you mean 'num_training_steps'?",
        ),
        (
            ["get_cosine_schedule_with_warmup(optimizer, 10, 100, bogus=1)", "--lr", "1"],
            "Invalid value for 'SCHEDULE': get_cosine_schedule_with_warmup has no argument "
            "'bogus'; it takes optimizer, num_warmup_steps, num_training_steps, num_cycles, "
            "last_epoch",
        ),
        (
            ["StepLR(optimizer, step_size=3, step_size=4)"],
            "Invalid value for 'SCHEDULE': StepLR got 'step_size' twice",
        ),
        (
            ["StepLR(optimizer, 3, step_size=4)"],
            "Invalid value for 'SCHEDULE': StepLR got 'step_size' twice",
        ),
        (
            ["StepLR(optimizer)"],
            "Invalid value for 'SCHEDULE': StepLR needs 'step_size': it has no default",
        ),
        (
            ["StepLR(optimizer, 3, 0.1, -1, 9)"],
            "Invalid value for 'SCHEDULE': StepLR takes at most 4 positional arguments "
            "(optimizer, step_size, gamma, last_epoch), and 5 were given",
        ),
        (
            ["StepLR(optimizer, 3.5)", "--lr", "1"],
            "Invalid value for 'SCHEDULE': StepLR: step_size=3.5 must be a whole number",
        ),
        (
            ["StepLR(optimizer, epochs * steps_per_epoch)"],
            "Invalid value for 'SCHEDULE': lrcli cannot know the value of 'epochs': "
            "write the number instead",
        ),
        (
            ["StepLR(optimizer, 10 ** 10 ** 10)"],
            "Invalid value for 'SCHEDULE': '10 ** 10 ** 10' is too large a number to compute",
        ),
        (
            ["StepLR(optimizer, 1 / 0)"],
            "Invalid value for 'SCHEDULE': '1 / 0' divides by zero",
        ),
        (
            ["StepLR(optimizer.lr, 3)"],
            "Invalid value for 'SCHEDULE': 'optimizer.lr' is attribute access on a value; "
            "lrcli reads only plain values",
        ),
        (
            ["StepLR(optimizer, [x for x in y])"],
            "Invalid value for 'SCHEDULE': '[x for x in y]' is a comprehension; "
            "lrcli reads only plain values",
        ),
        (
            ["StepLR(optimizer, f'{x}')"],
            "Invalid value for 'SCHEDULE': \"f'{x}'\" is an f-string; "
            "lrcli reads only plain values",
        ),
        (
            ["StepLR(*args)"],
            "Invalid value for 'SCHEDULE': '*args': write the arguments out, not *args",
        ),
        (
            ["LambdaLR(optimizer, lambda step: 0.95 ** step)"],
            "Invalid value for 'SCHEDULE': torch.optim.lr_scheduler.LambdaLR: its rate comes "
            "from a Python function lrcli cannot run; write the schedule it computes as one "
            "lrcli knows",
        ),
        (
            ["ReduceLROnPlateau(optimizer, 'min')"],
            "Invalid value for 'SCHEDULE': torch.optim.lr_scheduler.ReduceLROnPlateau: its rate "
            "depends on the metric your training reports, which lrcli cannot know",
        ),
        (
            ["OneCycleLR(optimizer, max_lr=0.1)"],
            "Invalid value for 'SCHEDULE': OneCycleLR needs total_steps, or epochs and "
            "steps_per_epoch",
        ),
        (
            ["OneCycleLR(optimizer, 0.1, 100, pct_start=1)"],
            "Invalid value for 'SCHEDULE': OneCycleLR: pct_start=1 must be a float between 0 "
            "and 1 (torch refuses it)",
        ),
        (
            ["OneCycleLR(optimizer, 0.1, 100)", "--at", "101"],
            "Invalid value for '--at': OneCycleLR stops at total_steps=100: torch raises "
            "ValueError at step 101, so step 101 does not exist",
        ),
        (
            ["CyclicLR(optimizer, 0.001, 0.1, step_size_up=0)"],
            "Invalid value for 'SCHEDULE': CyclicLR: step_size_up=0 must be at least 1",
        ),
        (
            ["CyclicLR(optimizer, 0.001, 0.1, mode='cosine')"],
            "Invalid value for 'SCHEDULE': CyclicLR: mode='cosine' must be one of 'triangular', "
            "'triangular2', 'exp_range'",
        ),
        (
            ["SequentialLR(optimizer, [StepLR(optimizer, 2)], milestones=[5])", "--lr", "1"],
            "Invalid value for 'SCHEDULE': SequentialLR: 1 schedulers need 0 milestones, and 1 "
            "were given",
        ),
        (
            ["StepLR(optimizer, 3, last_epoch=10)", "--lr", "1"],
            "Invalid value for 'SCHEDULE': StepLR: last_epoch=10 resumes a schedule; lrcli shows "
            "it from the start (leave last_epoch at -1 and look at the later steps)",
        ),
        (
            [
                "get_polynomial_decay_schedule_with_warmup(optimizer, 10, 100, lr_end=1)",
                "--lr",
                "0.1",
            ],
            "Invalid value for 'SCHEDULE': get_polynomial_decay_schedule_with_warmup: lr_end=1 "
            "must be smaller than the initial lr 0.1",
        ),
        (
            ["StepLR(optimizer, 3)"],
            "StepLR scales the optimizer's learning rate: give it with --lr RATE",
        ),
        (
            ["StepLR(optimizer, 3)", "--lr", "1", "--dtype", "float32"],
            "SCHEDULE and --dtype are two ways to give the schedule; use one (the framework "
            "decides it)",
        ),
        (
            ["StepLR(optimizer, 3)", "--lr", "1", "--boundaries", "5", "--values", "1,2"],
            "SCHEDULE and --boundaries, --values are two ways to give the schedule; use one",
        ),
        (
            ["OneCycleLR(optimizer, 0.1, 100)", "--closed-form"],
            "--closed-form: OneCycleLR has no other closed form; it is exact as it is",
        ),
        (
            ["StepLR(optimizer, 3"],
            "Invalid value for 'SCHEDULE': 'StepLR(optimizer, 3' is not a Python call: "
            "'(' was never closed at column 7",
        ),
        (
            ["optimizer"],
            "Invalid value for 'SCHEDULE': 'optimizer' is not a call; paste the scheduler call, "
            "such as 'StepLR(optimizer, step_size=30)'",
        ),
        (
            ["StepLR(optimizer, " + "9" * 5000 + ")"],
            "Invalid value for 'SCHEDULE': 'StepLR(optimizer, 999999999999999999999…' has a number "
            "too long to read",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_bad_schedule_is_one_line_and_exit_2(lrcli: Lrcli, args: list[str], error: str) -> None:
    result = lrcli("show", *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {error}\n"


def test_export_of_a_family_without_a_port_is_refused_in_one_line(lrcli: Lrcli) -> None:
    call = "CyclicLR(optimizer, base_lr=1e-4, max_lr=1e-3, step_size_up=100)"
    result = lrcli("export", "--to", "keras", call)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Invalid value for 'SCHEDULE': exporting CyclicLR to keras is not supported yet\n"
    )


def test_sequential_jump_is_pointed_out(lrcli: Lrcli) -> None:
    call = (
        "SequentialLR(optimizer, schedulers=[ConstantLR(optimizer, factor=0.01, "
        "total_iters=1000), StepLR(optimizer, step_size=89, gamma=0.9)], milestones=[992])"
    )
    result = lrcli("show", call, "--lr", "0.007", "--at", "991,992")
    assert result.stdout == "step,lr\n991,7.000000000000001e-05\n992,0.007\n"
    assert result.stderr == (
        "Warning: SequentialLR jumps at milestone 992: ConstantLR would give "
        "7.000000000000001e-05 there, and StepLR starts from 0.007 (each child starts again "
        "from the optimizer's initial lr)\n"
    )


def test_one_cycle_peak_missed_is_pointed_out(lrcli: Lrcli) -> None:
    result = lrcli("show", "OneCycleLR(optimizer, max_lr=0.1, total_steps=30, pct_start=0.25)")
    assert result.stderr == (
        "Warning: OneCycleLR never reaches max_lr=0.1: pct_start * total_steps = 7.5 is not a "
        "whole number, so the highest rate is 0.09987820300018116 at step 7\n"
    )


def test_the_registry_lists_every_name_each_framework_answers_to() -> None:
    import importlib

    from lrcli.frameworks import FRAMEWORKS

    for framework, names in FRAMEWORKS.items():
        module = importlib.import_module(f"lrcli.frameworks.{framework}")
        assert sorted(names.split()) == sorted({*module.APIS, *module.REFUSED}), framework
