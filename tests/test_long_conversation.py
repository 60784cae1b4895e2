"""The conversation-length curve of `make bench` (benchmark/long_conversation.py): its arithmetic, as tables."""

from __future__ import annotations

import os

import pytest

from benchmark.long_conversation import cpu_ms, curve, point


@pytest.mark.parametrize(
    "values, turn, expected",
    [
        ([5.0, 1.0, 9.0], 1, 5.0),  # turn 1 is itself
        ([5.0, 1.0, 9.0], 3, 5.0),  # fewer than ten turns: the median of all up to it
        (list(range(1, 21)), 20, 15.5),  # the ten turns ending at 20: 11..20
        (list(range(1, 21)), 10, 5.5),
        ([1.0, 2.0], 3, None),  # past the end
        ([1.0, 2.0], 0, None),
    ],
)
def test_a_point_is_the_median_of_the_ten_turns_ending_at_it(values, turn, expected):
    assert point(values, turn) == expected


def test_the_curve_compares_the_last_ten_turns_with_the_first_ten():
    values = [10.0] * 10 + [99.0] * 380 + [13.0] * 10
    result = curve(values)
    assert result["first_ten_ms"] == 10.0 and result["last_ten_ms"] == 13.0 and result["last_over_first"] == 1.3
    assert result["at"] == {"1": 10.0, "10": 10.0, "50": 99.0, "100": 99.0, "400": 13.0}
    assert curve([1.0] * 19) == {"turns": 19}


def test_cpu_time_is_read_for_live_processes_and_skipped_for_gone_ones():
    burned = sum(i * i for i in range(200_000))
    assert burned and cpu_ms([os.getpid()]) > 0
    assert cpu_ms([2**22 + 1]) == 0.0  # no such process
