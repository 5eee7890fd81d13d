"""Kept forecasts judged as their actuals land: a forecaster that degrades is caught on the first night
its horizon has landed, a good one is never flagged; reruns are idempotent and retention prunes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlglot import exp

from strataqc.checks.kept_forecasts import KeptForecasts, forecast_records
from strataqc.model.forecasts import ForecastsConfigError, parse_forecasts_config
from strataqc.model.predictions import predictions_relation, write_predictions
from strataqc.results import Status
from strataqc.warehouse import Target, Warehouse

START = dt.date(2026, 1, 1)
STORES, SKUS = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"], ["K1", "K2", "K3", "K4", "K5"]
CATEGORY = {"K1": "Dairy", "K2": "Dairy", "K3": "Snacks", "K4": "Snacks", "K5": "Bakery"}
RELATION = '"w"."ads"."feat"'


def truth(days: int) -> pd.DataFrame:
    """The 7-day target of every store x sku x day: steady demand, a level per series, a slight wave, noise."""
    rng = np.random.default_rng(7)
    rows = []
    for s_i, store in enumerate(STORES):
        for k_i, sku in enumerate(SKUS):
            level = 20 + 10 * s_i + 5 * k_i
            for d in range(days):
                rows.append((store, sku, START + dt.timedelta(days=d), CATEGORY[sku],
                             float(round(level * (1 + 0.03 * np.sin(d / 3)) + rng.normal(0, 1)))))
    return pd.DataFrame(rows, columns=["store_id", "sku_id", "date_day", "category", "units_next_7d"])


class Nights:
    """A warehouse whose ADS-like table gains a day each night; the target lands 7 days late."""

    def __init__(self, tmp_path, days: int = 70, block=None, wh: Warehouse | None = None,
                 relation: str = RELATION):
        self.wh = wh or Warehouse(Target("strataqc", "t", "duckdb", {"path": str(tmp_path / "w.duckdb")}))
        self.relation = relation
        self.schema = exp.to_table(relation).db
        self.truth = truth(days)
        self.block = block
        self.rng = np.random.default_rng(11)
        self.wh.execute(f"create schema if not exists {self.schema}")

    def publish(self, table: pd.DataFrame) -> None:
        name = f"{self.schema}.feat"
        if self.wh.dialect == "duckdb":
            conn = self.wh._conn.conn
            conn.register("_t", table)
            conn.execute(f"create or replace table {name} as select store_id, sku_id, cast(date_day as date) "
                         "as date_day, category, units_next_7d from _t")
            conn.unregister("_t")
            return
        import io
        self.wh.execute(f"drop table if exists {name}")
        self.wh.execute(f"create table {name} (store_id text, sku_id text, date_day date, category text, "
                        "units_next_7d double precision)")
        buffer = io.StringIO()
        table.to_csv(buffer, index=False, header=False)
        buffer.seek(0)
        with self.wh._conn.conn.cursor() as cur:
            cur.copy_expert(f"copy {name} from stdin with csv", buffer)

    def night(self, day: int, factor: float = 1.0, only_category: str | None = None) -> dict[str, object]:
        """Publish the table up to START + day, forecast the last 7 days (x factor), keep and judge."""
        last = START + dt.timedelta(days=day)
        table = self.truth[self.truth["date_day"] <= last].copy()
        table.loc[table["date_day"] > last - dt.timedelta(days=7), "units_next_7d"] = np.nan
        self.publish(table)
        predict = self.truth[(self.truth["date_day"] > last - dt.timedelta(days=7)) & (self.truth["date_day"] <= last)]
        predict = predict.assign(date_day=pd.to_datetime(predict["date_day"]))
        forecast = predict["units_next_7d"].to_numpy() * (1 + self.rng.normal(0, 0.05, len(predict)))
        hit = np.ones(len(predict), bool) if only_category is None else (predict["category"] == only_category).to_numpy()
        forecast = np.where(hit, forecast * factor, forecast)
        target = predictions_relation(self.relation, "feat", None)
        write_predictions(self.wh, target, predict[["store_id", "sku_id", "date_day"]], forecast, "model", "v0001")
        records = forecast_records(self.wh, "feat", self.relation, "units_next_7d", ["store_id", "sku_id", "date_day"],
                                   self.block, target, predict, ["store_id", "category"],
                                   ["store_id", "sku_id", "date_day", "category", "units_next_7d"])
        return {r.check: r for r in records}

    def close(self):
        self.wh.close()


@pytest.fixture
def nights(tmp_path):
    n = Nights(tmp_path)
    yield n
    n.close()


def test_realized_accuracy_good_forecaster_never_flagged(nights):
    seen = []
    for day in range(20, 45):
        out = nights.night(day)
        assert out["forecasts_kept"].status == Status.PASS
        seen.append(out["realized_accuracy"])
        assert out["prediction_drift"].status in (Status.PASS, Status.SKIP), out["prediction_drift"].message
    assert [r.status for r in seen if r.status not in (Status.PASS, Status.SKIP)] == []
    judged = [r for r in seen if r.status == Status.PASS]
    assert len(judged) == 25 - 7  # the first forecast date lands on the 8th night
    assert judged[-1].details["forecast_date"] == str(START + dt.timedelta(days=44 - 7))
    assert 0 < judged[-1].observed < 0.1  # 5% noise: a WAPE of about 4%
    assert "robust z" in judged[-1].message


def test_realized_accuracy_degraded_forecaster_caught_the_night_its_actuals_land(nights):
    caught_on_the_night_it_lands(nights)


def caught_on_the_night_it_lands(nights: Nights) -> None:
    bad_day = 40
    verdicts = {}
    for day in range(20, 52):
        out = nights.night(day, factor=1.6 if day == bad_day else 1.0)
        verdicts[day] = out["realized_accuracy"]
        if day == bad_day:
            # tonight's forecasts are far above the reference window's: drift says so at once
            assert out["prediction_drift"].status == Status.FAIL, out["prediction_drift"].message
    # not before its last day's target lands (7 nights later), flagged that very night, not after
    assert all(verdicts[d].status == Status.PASS for d in range(27, bad_day + 7)), \
        [(d, verdicts[d].message) for d in range(27, bad_day + 7) if verdicts[d].status != Status.PASS]
    caught = verdicts[bad_day + 7]
    assert caught.status == Status.FAIL
    assert caught.details["forecast_date"] == str(START + dt.timedelta(days=bad_day))
    assert caught.message.startswith(f"WAPE of forecasts made {START + dt.timedelta(days=bad_day)}: ")
    assert 0.5 < caught.observed < 0.7
    assert "up from the median" in caught.message
    assert verdicts[bad_day + 8].status == Status.PASS


def test_realized_accuracy_segment_degradation_named(nights):
    for day in range(20, 48):
        out = nights.night(day, factor=3.0 if day == 40 else 1.0, only_category="Bakery" if day == 40 else None)
    record = out["realized_accuracy"]  # night 47: the forecasts of day 40 have landed
    after = nights.night(48)["realized_accuracy"]
    assert record.details["forecast_date"] == str(START + dt.timedelta(days=40))
    assert {"segment": "category", "value": "Bakery"}.items() <= record.details["segments_degraded"][0].items()
    assert "category=Bakery" in record.message and record.status in (Status.WARN, Status.FAIL)
    assert after.status == Status.PASS


def test_realized_accuracy_rerun_of_a_night_is_idempotent(nights):
    for day in range(20, 40):
        nights.night(day)
    first = nights.night(40)
    again = nights.night(40)
    kept = nights.wh.query('select forecast_date, count(*) as n from ads.feat__forecasts group by 1 order by 1')
    measured = nights.wh.query("select forecast_date, count(*) as n from ads.feat__realized_accuracy "
                               "where segment = '*' group by 1")
    assert kept["n"].tolist() == [7 * len(STORES) * len(SKUS)] * 21
    assert measured["n"].tolist() == [1] * len(measured) and len(measured) == 14
    assert (again["realized_accuracy"].status, again["realized_accuracy"].observed) == \
        (first["realized_accuracy"].status, first["realized_accuracy"].observed)


def test_forecasts_kept_pruned_to_retention(tmp_path):
    n = Nights(tmp_path, block={"retention_days": 10})
    try:
        for day in range(20, 40):
            out = n.night(day)
        dates = n.wh.query("select min(forecast_date) as lo, count(distinct forecast_date) as n from ads.feat__forecasts")
        acc = n.wh.query("select min(forecast_date) as lo from ads.feat__realized_accuracy")
    finally:
        n.close()
    assert int(dates["n"].iloc[0]) == 11 and "retention 10 days" in out["forecasts_kept"].message
    assert pd.Timestamp(dates["lo"].iloc[0]).date() == START + dt.timedelta(days=29)
    assert pd.Timestamp(acc["lo"].iloc[0]).date() >= START + dt.timedelta(days=29)


def test_realized_accuracy_skips_until_a_forecast_lands(nights):
    out = nights.night(20)
    record = out["realized_accuracy"]
    assert record.status == Status.SKIP
    assert "no kept forecast has landed yet" in record.message and str(START + dt.timedelta(days=20)) in record.message
    assert out["prediction_drift"].status == Status.SKIP


@pytest.mark.parametrize(("block", "message"), [
    pytest.param({"retention": 5}, "forecasts.retention is not a known key", id="unknown-key"),
    pytest.param({"retention_days": 0}, "forecasts.retention_days must be a whole number", id="zero-retention"),
    pytest.param({"realized_accuracy": {"metric": "rmse"}}, "realized_accuracy.metric must be wape or mae",
                 id="bad-metric"),
    pytest.param({"prediction_drift": {"psi_warn": 0.3, "psi_fail": 0.2}}, "psi_warn <= psi_fail", id="psi-order"),
    pytest.param("yes", "must be a mapping", id="not-a-mapping"),
])
def test_forecasts_config_errors_name_the_key(block, message):
    with pytest.raises(ForecastsConfigError, match=message.replace("(", r"\(")):
        parse_forecasts_config("feat", block)


def test_forecasts_bad_segment_is_one_error_record(tmp_path):
    n = Nights(tmp_path, block={"segments": ["brand"]})
    try:
        out = n.night(20)
    finally:
        n.close()
    assert list(out) == ["forecasts_kept"] and out["forecasts_kept"].status == Status.ERROR
    assert "segments names column(s) brand that" in out["forecasts_kept"].message


def test_forecasts_off_keeps_nothing(tmp_path):
    n = Nights(tmp_path, block=False)
    try:
        out = n.night(20)
        tables = n.wh.query("select table_name from information_schema.tables where table_schema = 'ads'")
    finally:
        n.close()
    assert out == {} and sorted(tables["table_name"]) == ["feat", "feat_predictions"]


def test_forecasts_measure_sql_is_portable():
    from strataqc.checks.realized_accuracy import Tables, measure_sql
    t = Tables(forecasts=exp.to_table("ads.f"), accuracy=exp.to_table("ads.a"), actuals=exp.to_table("ads.feat"),
               ids=["store_id", "date_day"], date_column="date_day", target="units_next_7d", segments=["category"])
    sql = measure_sql(t, [START], "2026-01-02 00:00:00")
    for dialect in ("postgres", "spark"):
        assert "NULLIF" in sql.sql(dialect=dialect).upper()


@pytest.mark.postgres
def test_realized_accuracy_on_postgres(tmp_path):
    """The same SQL (keep, prune, measure, drift) transpiled to PostgreSQL: `scripts/postgres.sh start`."""
    from contextlib import contextmanager

    from engine_support import postgres_schema

    with contextmanager(postgres_schema)("strataqc_forecasts_test") as (wh, database):
        caught_on_the_night_it_lands(Nights(tmp_path, wh=wh, relation=f'"{database}".'
                                                                      '"strataqc_forecasts_test"."feat"'))
        kept = wh.query("select count(distinct forecast_date) as n from strataqc_forecasts_test.feat__forecasts")
        assert int(kept["n"].iloc[0]) == 32


@pytest.mark.parametrize(("frame", "expected"), [
    pytest.param(pd.DataFrame({"store_id": ["S1"], "date_day": pd.to_datetime(["2026-01-01"])}), "date_day",
                 id="datetime64"),
    pytest.param(pd.DataFrame({"store_id": ["S1"], "date_day": [dt.date(2026, 1, 1)]}), "date_day",
                 id="date-objects"),
])
def test_forecasts_date_id_found_whatever_the_engine_returns(frame, expected):
    from strataqc.checks.kept_forecasts import date_column_of
    assert date_column_of("feat", parse_forecasts_config("feat", None), ["store_id", "date_day"], frame) == expected


def test_forecasts_no_date_id_asks_for_date_column():
    from strataqc.checks.kept_forecasts import date_column_of
    with pytest.raises(ForecastsConfigError, match="set meta.strataqc.model.forecasts.date_column"):
        date_column_of("feat", parse_forecasts_config("feat", None), ["store_id"], pd.DataFrame({"store_id": ["S1"]}))


def test_realized_accuracy_lasting_degradation_stays_flagged(tmp_path):
    """Degraded dates leave the baseline: a forecaster that stays bad is not judged against itself
    (with a 7-date window, four bad dates would otherwise be the median)."""
    n = Nights(tmp_path, block={"realized_accuracy": {"window": 7}})
    statuses = {}
    try:
        for day in range(20, 46):
            statuses[day] = n.night(day, factor=1.6 if day >= 30 else 1.0)["realized_accuracy"].status
    finally:
        n.close()
    assert all(statuses[d] == Status.PASS for d in range(27, 30 + 7))
    assert all(statuses[d] == Status.FAIL for d in range(30 + 7, 46)), statuses


def _before_training(nights: Nights, day: int) -> tuple[KeptForecasts, list]:
    """The night's table is published (tonight's actuals land) and the landed forecasts judged, before any
    prediction of tonight is written: what a retrain policy reads its realized_degradation trigger from."""
    last = START + dt.timedelta(days=day)
    table = nights.truth[nights.truth["date_day"] <= last].copy()
    table.loc[table["date_day"] > last - dt.timedelta(days=7), "units_next_7d"] = np.nan
    nights.publish(table)
    predict = table[table["date_day"] > last - dt.timedelta(days=7)]
    predict = predict.assign(date_day=pd.to_datetime(predict["date_day"]))
    loop = KeptForecasts.of(nights.wh, "feat", nights.relation, "units_next_7d", ["store_id", "sku_id", "date_day"],
                            nights.block, predictions_relation(nights.relation, "feat", None), predict,
                            ["store_id", "category"], ["store_id", "sku_id", "date_day", "category", "units_next_7d"])
    return loop, loop.landed(nights.wh)


def test_landed_forecasts_judged_before_training_see_the_degradation_that_night(nights):
    bad_day = 40
    for day in range(20, bad_day + 7):
        nights.night(day, factor=1.6 if day == bad_day else 1.0)
    loop, landed = _before_training(nights, bad_day + 7)
    assert [r.check for r in landed] == ["realized_accuracy"]
    assert landed[0].status == Status.FAIL, landed[0].message
    assert landed[0].details["forecast_date"] == str(START + dt.timedelta(days=bad_day))
    # the night goes on: its own records carry that verdict once, not judged a second time
    target = predictions_relation(nights.relation, "feat", None)
    last = START + dt.timedelta(days=bad_day + 7)
    predict = nights.truth[(nights.truth["date_day"] > last - dt.timedelta(days=7)) & (nights.truth["date_day"] <= last)]
    predict = predict.assign(date_day=pd.to_datetime(predict["date_day"]))
    write_predictions(nights.wh, target, predict[["store_id", "sku_id", "date_day"]],
                      predict["units_next_7d"].to_numpy(), "model", "v0001")
    records = loop.records(nights.wh, landed)
    assert [r.check for r in records].count("realized_accuracy") == 1
    assert next(r for r in records if r.check == "realized_accuracy") is landed[0]


def test_landed_forecasts_before_training_pass_a_good_forecaster_and_wait_for_kept_ones(nights):
    loop, landed = _before_training(nights, 20)
    assert landed == []  # nothing kept yet: nothing to judge, and no error for a first night
    for day in range(20, 40):
        nights.night(day)
    loop, landed = _before_training(nights, 40)
    assert [r.status for r in landed] == [Status.PASS], landed[0].message
