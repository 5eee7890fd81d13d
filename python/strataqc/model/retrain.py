"""Continuous training: the `retrain` policy of the model block, its triggers and the promotion rule.

A model with a policy keeps a champion (see `strataqc.model.registry`): each night forecasts with it
until a trigger fires; then a challenger is trained on tonight's train split and both are scored on
the same recent window (tonight's valid split). The challenger is promoted only when it passes the
error-severity gates and its metric is at most (1 - margin) x the champion's.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable

from strataqc.results import CheckResult, CheckType, Status

TRIGGERS = ("drift_fail", "realized_degradation", "schedule")
METRICS = ("mae", "rmse", "mape", "wape")
REALIZED_CHECK = "realized_accuracy"   # written by the forecasts' check; read here by name only
KEYS = ("on", "every_days", "margin", "metric")


class RetrainConfigError(ValueError):
    """The `retrain` block cannot be used; the message names the key and the fix."""


@dataclass(frozen=True)
class RetrainPolicy:
    on: tuple[str, ...] = TRIGGERS
    every_days: float = 7.0        # the schedule trigger: days since the champion became champion
    margin: float = 0.02           # the challenger's metric must be <= (1 - margin) x the champion's
    metric: str = "wape"


def parse_retrain(model: str, block: Any) -> RetrainPolicy | None:
    """`meta.strataqc.model.retrain`: absent or false means no policy (every new train split trains)."""
    if block is None or block is False:
        return None
    if block is True:
        block = {}
    where = f"{model}: meta.strataqc.model.retrain"
    if not isinstance(block, dict):
        raise RetrainConfigError(f"{where} must be a mapping, e.g. {{on: [drift_fail, schedule], every_days: 7, "
                                 "margin: 0.02}")
    # YAML 1.1 (PyYAML, dbt) reads a bare `on:` as the boolean true; JSON then writes it "true"
    block = {("on" if k is True or k == "true" else k): v for k, v in block.items()}
    unknown = sorted(set(map(str, block)) - set(KEYS))
    if unknown:
        raise RetrainConfigError(f"{where}.{unknown[0]} is not a known key; use one of {list(KEYS)}")
    on = block.get("on", list(TRIGGERS))
    on = [on] if isinstance(on, str) else on
    if not isinstance(on, list) or any(t not in TRIGGERS for t in on):
        raise RetrainConfigError(f"{where}.on must list triggers among {list(TRIGGERS)}, got {on!r}")
    try:
        every_days = float(block.get("every_days", 7))
        margin = float(block.get("margin", 0.02))
    except (TypeError, ValueError):
        raise RetrainConfigError(f"{where}: every_days and margin must be numbers, e.g. every_days: 7, "
                                 "margin: 0.02") from None
    if not every_days > 0:
        raise RetrainConfigError(f"{where}.every_days must be a positive number of days, got {every_days}")
    if not 0 <= margin < 1:
        raise RetrainConfigError(f"{where}.margin must be in [0, 1) (0.02: 2% better), got {margin}")
    metric = str(block.get("metric", "wape"))
    if metric not in METRICS:
        raise RetrainConfigError(f"{where}.metric must be one of {list(METRICS)}, got {metric!r}")
    return RetrainPolicy(on=tuple(dict.fromkeys(on)), every_days=every_days, margin=margin, metric=metric)


def fired_triggers(policy: RetrainPolicy, records: Iterable[CheckResult], features: list[str],
                   champion_since: dt.datetime | None, now: dt.datetime) -> list[tuple[str, str]]:
    """(trigger, why) for every trigger of the policy that fires tonight; `records` are the night's so far."""
    records = list(records)
    out: list[tuple[str, str]] = []
    if "drift_fail" in policy.on:
        failed = [r for r in records if r.check_type == CheckType.DRIFT and r.status == Status.FAIL
                  and (r.column is None or r.column in features)]
        if failed:
            named = ", ".join(dict.fromkeys(f"{r.check}" + (f" on {r.column}" if r.column else "") for r in failed))
            out.append(("drift_fail", f"drift failed on the model's features: {named}"))
    if "realized_degradation" in policy.on:
        failed = [r for r in records if r.check == REALIZED_CHECK and r.status == Status.FAIL]
        if failed:
            # its verdict, not the summary and segments after it (the record itself has those)
            out.append(("realized_degradation", f"{REALIZED_CHECK} failed: {failed[0].message.split('; ')[0]}"))
    if "schedule" in policy.on and champion_since is not None:
        age = (now - champion_since).total_seconds() / 86400.0
        if age >= policy.every_days:
            out.append(("schedule", f"{age:.1f} days since the champion was promoted or last challenged "
                                    f"(retrain every {policy.every_days:g} days)"))
    return out


@dataclass(frozen=True)
class Decision:
    promoted: bool
    reason: str
    ratio: float | None      # challenger metric / champion metric


def decide(policy: RetrainPolicy, champion: str, champion_metric: float, challenger: str,
           challenger_metric: float, blocking: list[str]) -> Decision:
    """Promote only a challenger that passes its error-severity gates and beats the champion by the margin."""
    m, limit = policy.metric, 1 - policy.margin
    if blocking:
        return Decision(False, f"challenger {challenger} failed error-severity gate(s) {', '.join(blocking)}; "
                               f"champion {champion} kept", _ratio(challenger_metric, champion_metric))
    if not (math.isfinite(champion_metric) and math.isfinite(challenger_metric)):
        return Decision(False, f"{m} undefined on the valid window for {champion} or {challenger} "
                               f"(no non-zero target?); champion {champion} kept", None)
    ratio = _ratio(challenger_metric, champion_metric)
    compared = (f"challenger {challenger} valid {m} {challenger_metric:.4g} vs champion {champion} "
                f"{champion_metric:.4g} (ratio {_fmt(ratio)}, must be <= {limit:.4g})")
    if ratio is not None and ratio <= limit:
        return Decision(True, f"{compared}: promoted", ratio)
    return Decision(False, f"{compared}: not better by the margin {policy.margin:.0%}; champion {champion} kept",
                    ratio)


def _ratio(ours: float, theirs: float) -> float | None:
    if not (math.isfinite(ours) and math.isfinite(theirs)):
        return None
    if theirs == 0:
        return 1.0 if ours == 0 else math.inf
    return ours / theirs


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.4g}"


def decision_record(model: str, policy: RetrainPolicy, status: Status, message: str, *,
                    ratio: float | None = None, rows: list[list[Any]] | None = None,
                    details: dict[str, Any] | None = None) -> CheckResult:
    """The night's `model_retrain` record: what fired, what was compared, what was decided and why."""
    body = dict(details or {})
    if rows:
        body["table"] = {"title": f"Champion vs challenger on tonight's valid split ({policy.metric} decides)",
                         "columns": ["role", "version", "trained_at", "fingerprint", "mae", "rmse", "mape", "wape",
                                     "blocking_gates"],
                         "rows": rows}
    return CheckResult(check="model_retrain", status=status, check_type=CheckType.MODEL_QUALITY, model=model,
                       observed=ratio if ratio is None or math.isfinite(ratio) else None,
                       threshold=1 - policy.margin, message=message, details=body)
