"""The retrain step of a model-quality night: which triggers it sees, and where its decisions are logged."""

from __future__ import annotations

from typing import Any, Callable

from strataqc import clock
from strataqc.logs import log
from strataqc.model import registry, tracking
from strataqc.model.champion import Evaluate, Outcome, Trained, champion_or_challenger
from strataqc.model.config import ModelConfig
from strataqc.model.retrain import REALIZED_CHECK
from strataqc.results import CheckResult, Status


def retrain_night(model: str, cfg: ModelConfig, features: list[str], earlier: list[CheckResult], wh: Any,
                  trained: Callable[[], Trained], evaluate: Evaluate) -> Outcome:
    """Keep the champion or decide on a challenger; `earlier` are the night's records so far."""
    records = list(earlier)
    # tonight's verdict on the landed forecasts, else (nothing judged tonight) the last stored one
    if not any(r.check == REALIZED_CHECK and r.model in (None, model) and r.status != Status.SKIP for r in records):
        records += stored_realized_accuracy(wh, model)

    def log_decision(entry: dict) -> None:
        try:
            registry.log_decision(wh, model, entry)
        except Exception as exc:  # the decision stands in registry.json and on the card; the night goes on
            log.warning("could not log the %s decision on %s to model_versions: %s", model, entry["version"], exc)
        if entry["decision"] == "rejected":  # the night's winner is logged with its metrics after the gates
            tracking.log_once(cfg.mlflow, cfg.artifact_dir / entry["version"])

    return champion_or_challenger(model, cfg.retrain, cfg.artifact_dir, features, cfg.params, records, clock.now(),
                                  trained, evaluate, log_decision)


def stored_realized_accuracy(wh: Any, model: str) -> list[CheckResult]:
    """The model's realized_accuracy records of the last run that stored one, for a night that judged no
    landed forecast itself (none kept yet, or kept forecasts turned off)."""
    from sqlglot import exp

    from strataqc.history import SCHEMA

    query = exp.select("*").from_(exp.table_("check_results", db=SCHEMA, quoted=True)).where(
        exp.and_(exp.column("check_name", quoted=True).eq(exp.Literal.string(REALIZED_CHECK)),
                 exp.column("model", quoted=True).eq(exp.Literal.string(model))))
    try:
        frame = wh.query(query)  # read only: a warehouse without history gets no tables from here
    except Exception as exc:  # no history yet (first night, --no-history): nothing to read
        log.info("no stored %s for %s: %s", REALIZED_CHECK, model, str(exc).splitlines()[0] if str(exc) else exc)
        return []
    if frame.empty:
        return []
    last = frame[frame["generated_at"] == frame["generated_at"].max()]
    return [CheckResult(check=REALIZED_CHECK, status=Status(row["status"]), model=model,
                        column=row["column_name"] if isinstance(row["column_name"], str) else None,
                        message=f"{row['message']} (run of {row['generated_at']})") for _, row in last.iterrows()]
