"""A trend anomaly on a passing check must cover a share of the way to its threshold (trends.HEADROOM)."""

from __future__ import annotations

from strataqc.trends import judge

QUIET = [0.000, 0.001, 0.000, 0.000, 0.001, 0.000, 0.000, 0.001, 0.000, 0.000]


def test_a_move_far_from_the_threshold_is_no_anomaly():
    # a leakage correlation from ~0 to 0.03 against 0.97: robust z is huge, the check nowhere near failing
    far = judge(0.03, QUIET, kind="ratio", direction="up", threshold=0.97)
    assert far.verdict == "normal" and "of the way to the threshold" in far.why
    assert judge(0.03, QUIET, kind="ratio", direction="up").verdict == "anomaly"  # without a threshold


def test_a_move_covering_the_headroom_share_is_an_anomaly():
    assert judge(0.20, QUIET, kind="ratio", direction="up", threshold=0.97).verdict == "anomaly"
    # a share whose threshold is close: the same kind of move is most of the way there
    assert judge(0.03, QUIET, kind="ratio", direction="up", threshold=0.05).verdict == "anomaly"
