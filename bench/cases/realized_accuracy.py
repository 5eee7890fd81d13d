"""Case 6: kept forecasts judged over many nights of a 10M-row ADS table, in SQL with flat memory.

`--build` (untimed) writes a synthetic ADS table in DuckDB SQL (stores x SKUs x days, a category
and the 7-day target, NULL for the last 7 days) and `--nights` nights of kept forecasts (each
night's predict window: the 7 days up to its forecast date, prediction = target x noise), plus
tonight's predictions table. Timed, each in its own process:

- `--backfill`: realized accuracy of every landed forecast date at once (an empty accuracy table);
- `--night`: one night's work after the predictions are written: keep them (append, prune), measure
  the newly landed forecast date, judge it against the earlier ones, and prediction drift.

Memory should not follow the nights kept: the SQL joins one night's forecasts (or all, for the
backfill) with the ADS table under the checks' DuckDB memory limit, and only sums reach Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import report_phases  # noqa: E402
from sqlglot import exp  # noqa: E402

from strataqc.checks.kept_forecasts import forecast_records  # noqa: E402
from strataqc.checks.realized_accuracy import Tables, realized_accuracy  # noqa: E402
from strataqc.model.forecasts import ACCURACY_COLUMNS, create_table, parse_forecasts_config  # noqa: E402
from strataqc.warehouse import Target, Warehouse  # noqa: E402

START = dt.date(2025, 1, 1)
IDS = ["store_id", "sku_id", "date_day"]
COLUMNS = ["store_id", "sku_id", "date_day", "category", "units_next_7d"]
RELATION = "ads.feat"


def shape(rows: int) -> tuple[int, int, int]:
    """(stores, skus, days) of about `rows` rows: 25,000 series when there are enough rows."""
    series = 25_000 if rows >= 2_500_000 else max(100, rows // 100)
    stores = max(1, series // 100)
    return stores, series // stores, max(60, rows // series)


def build(db: Path, rows: int, nights: int) -> dict[str, int]:
    import duckdb

    stores, skus, days = shape(rows)
    last = START + dt.timedelta(days=days - 1)
    conn = duckdb.connect(str(db))
    conn.execute("set memory_limit = '2GB'")
    conn.execute("create schema if not exists ads")
    conn.execute(f"""
        create or replace table ads.truth as
        select 'S' || lpad(s::varchar, 4, '0') as store_id, 'K' || lpad(k::varchar, 4, '0') as sku_id,
               (date '{START}' + d::int) as date_day, 'C' || (k % 8)::varchar as category,
               (10 + (s * 7 + k * 13) % 50 + hash(s, k, d) % 7)::double as units
        from range({stores}) t1(s), range({skus}) t2(k), range({days}) t3(d)""")
    conn.execute(f"""
        create or replace table ads.feat as
        select store_id, sku_id, date_day, category,
               case when date_day <= date '{last}' - 7 then units end as units_next_7d
        from ads.truth""")
    # forecasts made on the last `nights` days, each for the 7 days up to its date; +-5% noise
    conn.execute(f"""
        create or replace table ads.feat__forecasts as
        select f.forecast_date::date as forecast_date, t.store_id, t.sku_id, t.date_day,
               7::int as horizon_days,
               t.units * (1 + ((hash(t.store_id, t.sku_id, t.date_day, f.forecast_date) % 101)::double - 50) / 1000)
                   as prediction,
               'model' as source, 'v0001' as forecaster, now()::timestamp as generated_at
        from ads.truth t
        join (select (date '{last}' - n::int) as forecast_date from range({nights}) r(n)) f
          on t.date_day between f.forecast_date - 6 and f.forecast_date
        -- in the order a nightly append leaves them: one night after the other
        order by f.forecast_date, t.store_id, t.sku_id, t.date_day""")
    conn.execute(f"""
        create or replace table ads.feat_predictions as
        select store_id, sku_id, date_day, prediction, source, forecaster, generated_at
        from ads.feat__forecasts where forecast_date = date '{last}'""")
    conn.execute("drop table if exists ads.feat__realized_accuracy")
    conn.execute("drop table ads.truth")
    conn.execute("checkpoint")
    out = {"ads_rows": conn.execute("select count(*) from ads.feat").fetchone()[0],
           "forecast_rows": conn.execute("select count(*) from ads.feat__forecasts").fetchone()[0],
           "stores": stores, "skus": skus, "days": days}
    conn.close()
    return out


def tables() -> Tables:
    return Tables(forecasts=exp.to_table("ads.feat__forecasts"), accuracy=exp.to_table("ads.feat__realized_accuracy"),
                  actuals=exp.to_table(RELATION), ids=IDS, date_column="date_day", target="units_next_7d",
                  segments=["store_id", "category"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", required=True, type=Path)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--nights", type=int, default=90)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--build", action="store_true")
    mode.add_argument("--backfill", action="store_true")
    mode.add_argument("--night", action="store_true")
    args = parser.parse_args()
    if args.build:
        start = time.perf_counter()
        facts = build(args.duckdb, args.rows, args.nights)
        report_phases(build_s=round(time.perf_counter() - start, 3), **facts)
        return 0
    cfg = parse_forecasts_config("feat", {"retention_days": 365})
    wh = Warehouse(Target("strataqc", "bench", "duckdb", {"path": str(args.duckdb)}))
    try:
        t = tables()
        create_table(wh, t.accuracy, ACCURACY_COLUMNS)
        if args.backfill:
            wh.execute("delete from ads.feat__realized_accuracy")
            start = time.perf_counter()
            record = realized_accuracy(wh, "feat", t, cfg, "2025-06-01 00:00:00")
            work = time.perf_counter() - start
            records = [record]
        else:
            # tonight's newly landed forecast date is measured again, as on the night it lands
            wh.execute("delete from ads.feat__realized_accuracy where forecast_date = "
                       "(select max(forecast_date) from ads.feat__realized_accuracy)")
            predict = wh.query("select store_id, sku_id, date_day from ads.feat_predictions limit 1")
            start = time.perf_counter()
            records = forecast_records(wh, "feat", RELATION, "units_next_7d", IDS, {"retention_days": 365},
                                       exp.to_table("ads.feat_predictions"), predict, ["store_id", "category"],
                                       COLUMNS)
            work = time.perf_counter() - start
        statuses = {r.check: str(r.status) for r in records}
        measured = next((len(r.details.get("measured", [])) for r in records if r.check == "realized_accuracy"), 0)
        errors = [r.message for r in records if str(r.status) == "error"]
        report_phases(work_s=round(work, 3), statuses=statuses, dates_measured=measured, errors=errors,
                      forecast_rows=int(wh.query("select count(*) from ads.feat__forecasts").iloc[0, 0]))
        return 1 if errors else 0
    finally:
        wh.close()


if __name__ == "__main__":
    raise SystemExit(main())
