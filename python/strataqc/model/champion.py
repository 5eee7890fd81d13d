"""One night of a model with a retrain policy: keep the champion, or train a challenger and decide.

The caller (model quality) supplies how to train tonight's version and how to score a model on
tonight's valid split with its gates; this module decides which version forecasts and records why.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from strataqc.json_safe import json_safe
from strataqc.model import registry
from strataqc.model.artifact import load_version, read_card
from strataqc.model.predictor import Predictor
from strataqc.model.retrain import RetrainPolicy, decide, decision_record, fired_triggers
from strataqc.results import CheckResult, Status

# (version dir, predictor, message of the model_artifact record)
Trained = tuple[Path, Predictor, str]
# predictor, judge gates? -> (valid metrics, error-severity gates that failed)
Evaluate = Callable[[Predictor, bool], tuple[dict[str, float], list[str]]]


@dataclass
class Outcome:
    version_dir: Path
    predictor: Predictor
    artifact_message: str       # what the model_artifact record says (trained, reused, champion kept)
    record: CheckResult         # the model_retrain record


def champion_or_challenger(model: str, policy: RetrainPolicy, artifact_dir: Path, features: list[str],
                           params: dict, records: Iterable[CheckResult], now: dt.datetime,
                           train: Callable[[], Trained], evaluate: Evaluate,
                           log: Callable[[dict[str, Any]], None]) -> Outcome:
    outcome = _night(model, policy, artifact_dir, features, params, records, now, train, evaluate, log)
    # the champions in the order they became champion: the report's rollback hint names the one before
    champions = [c for c in registry.read(artifact_dir)["champions"] if (Path(artifact_dir) / c).is_dir()]
    outcome.record = replace(outcome.record, details={**outcome.record.details, "champions": champions,
                                                      "serving": outcome.version_dir.name})
    return outcome


def _night(model: str, policy: RetrainPolicy, artifact_dir: Path, features: list[str], params: dict,
           records: Iterable[CheckResult], now: dt.datetime, train: Callable[[], Trained], evaluate: Evaluate,
           log: Callable[[dict[str, Any]], None]) -> Outcome:
    current = registry.champion(artifact_dir)
    if current is None:
        version_dir, predictor, message = train()
        entry = _entry(version_dir, "champion", "initial", "no champion yet: the first version becomes champion",
                       [], now, policy)
        log(registry.record(artifact_dir, entry))
        return Outcome(version_dir, predictor, message, decision_record(
            model, policy, Status.PASS, f"{version_dir.name} is the first champion (nothing to compare with)",
            details={"decision": entry}))

    champion_dir = Path(artifact_dir) / current
    card = read_card(champion_dir)
    triggers = fired_triggers(policy, records, features, registry.schedule_since(artifact_dir, current), now)
    if card.get("features") != list(features) or card.get("params") != json_safe(params):
        triggers.append(("config", f"the champion {current} was trained with other features or parameters"))
    if not triggers:
        champion = load_version(champion_dir)
        since = registry.schedule_since(artifact_dir, current)
        left = policy.every_days - (now - since).total_seconds() / 86400.0 if since else math.nan
        due = f"; scheduled retrain in {left:.1f} days" if "schedule" in policy.on and math.isfinite(left) else ""
        return Outcome(champion_dir, champion, f"champion {current} forecasts (no retrain trigger fired)",
                       decision_record(model, policy, Status.PASS,
                                       f"no retrain trigger fired ({', '.join(policy.on)}); champion {current} "
                                       f"kept{due}", details={"champion": current, "triggers": []}))

    fired = [name for name, _ in triggers]
    why = "; ".join(text for _, text in triggers)
    version_dir, challenger, message = train()
    if version_dir.name == current:
        champion = load_version(champion_dir)
        return Outcome(champion_dir, champion, message, decision_record(
            model, policy, Status.PASS, f"retrain triggered ({why}) but tonight's train split, parameters and "
                                        f"features are the champion's: {current} kept, nothing new to compare",
            details={"champion": current, "triggers": fired}))

    champion = load_version(champion_dir)
    try:
        champion_metrics, _ = evaluate(champion, False)
        unscorable = None
    except Exception as exc:  # e.g. the champion reads a column tonight's table no longer has
        champion_metrics, unscorable = {}, f"{type(exc).__name__}: {exc}"
    challenger_metrics, blocking = evaluate(challenger, True)
    m = policy.metric
    if unscorable is not None:
        promoted = not blocking
        reason = (f"champion {current} cannot forecast tonight's valid split ({unscorable}); challenger "
                  f"{version_dir.name} " + ("promoted" if promoted else f"failed gate(s) {', '.join(blocking)}: "
                                            f"champion {current} kept"))
        ratio = None
    else:
        verdict = decide(policy, current, champion_metrics.get(m, math.nan), version_dir.name,
                         challenger_metrics.get(m, math.nan), blocking)
        promoted, reason, ratio = verdict.promoted, verdict.reason, verdict.ratio
    entry = _entry(version_dir, "champion" if promoted else "challenger", "promoted" if promoted else "rejected",
                   reason, fired, now, policy)
    entry.update(valid_metric=challenger_metrics.get(m), champion=current, champion_metric=champion_metrics.get(m),
                 champion_fingerprint=(card.get("fingerprint") or {}).get("sha256"),
                 metrics={"challenger": challenger_metrics, "champion": champion_metrics,
                          "blocking_gates": blocking, "trigger_reasons": why})
    log(registry.record(artifact_dir, entry))
    rows = [_row("champion", champion_dir, champion_metrics, []), _row("challenger", version_dir,
                                                                        challenger_metrics, blocking)]
    status = Status.PASS if promoted else Status.WARN
    winner_dir, winner = (version_dir, challenger) if promoted else (champion_dir, champion)
    return Outcome(winner_dir, winner, f"{message}; " + ("promoted to champion" if promoted else
                                                          f"champion {current} forecasts"),
                   decision_record(model, policy, status, f"retrain triggered ({why}); {reason}", ratio=ratio,
                                   rows=rows, details={"decision": entry}))


def _entry(version_dir: Path, role: str, decision: str, reason: str, triggers: list[str], now: dt.datetime,
           policy: RetrainPolicy) -> dict[str, Any]:
    card = read_card(version_dir)
    return {"version": version_dir.name, "role": role, "decision": decision, "reason": reason,
            "triggers": list(triggers), "trained_at": card.get("created_at"), "decided_at": registry.stamp(now),
            "fingerprint": (card.get("fingerprint") or {}).get("sha256"), "metric": policy.metric,
            "model": card.get("model")}


def _row(role: str, version_dir: Path, metrics: dict[str, float], blocking: list[str]) -> list[Any]:
    card = read_card(version_dir)
    fp = (card.get("fingerprint") or {}).get("sha256") or ""
    return [role, version_dir.name, card.get("created_at"), fp[:12],
            *[_num(metrics.get(k)) for k in ("mae", "rmse", "mape", "wape")], ", ".join(blocking) or None]


def _num(value: Any) -> float | None:
    return round(float(value), 6) if value is not None and math.isfinite(float(value)) else None
