"""Kept forecasts on local Spark, whose plain tables refuse DELETE: a rerun of a night overwrites its
forecast date's partition, retention drops old partitions, and a degraded forecaster is caught the
night its actuals land while the nights before pass. Runs when `make test-spark` set up Spark."""

from __future__ import annotations

from pathlib import Path

from engine_support import SPARK_MARKS, run_on_spark

pytestmark = SPARK_MARKS

HERE = Path(__file__).resolve().parent

BODY = f'''
    sys.path[:0] = [{str(HERE)!r}, {str(HERE.parent)!r}]
    from test_realized_accuracy import START, Nights

    class SparkTables(SparkWarehouse):
        def execute(self, sql):
            spark.sql(Warehouse.to_dialect(self, sql)).collect()
        def close(self):
            pass

    class SparkNights(Nights):
        def publish(self, table):
            frame = table.assign(date_day=pd.to_datetime(table["date_day"]).dt.date)
            spark.createDataFrame(frame).write.mode("overwrite").saveAsTable("ads.feat")

    nights = SparkNights(None, wh=SparkTables(), relation="ads.feat", block={{"retention_days": 12, "realized_accuracy": {{"min_history": 3}}}})
    statuses, bad_day = {{}}, 28
    for day in range(20, 37):
        out = nights.night(day, factor=1.6 if day == bad_day else 1.0)
        statuses[day] = [out["forecasts_kept"].status.value, out["realized_accuracy"].status.value,
                         out["realized_accuracy"].details.get("forecast_date"), out["realized_accuracy"].message]
    again = nights.night(36)
    kept = spark.sql("select forecast_date, count(*) as n from ads.feat__forecasts group by 1 order by 1").toPandas()
    measured = spark.sql("select forecast_date, count(*) as n from ads.feat__realized_accuracy "
                         "where segment = '*' group by 1 order by 1").toPandas()
    report(statuses={{str(k): v for k, v in statuses.items()}},
           rerun=[again["forecasts_kept"].status.value, again["realized_accuracy"].status.value,
                  again["realized_accuracy"].observed == out["realized_accuracy"].observed],
           kept=[[str(d), int(n)] for d, n in zip(kept["forecast_date"], kept["n"])],
           measured=[[str(d), int(n)] for d, n in zip(measured["forecast_date"], measured["n"])],
           start=str(START))
'''


def test_kept_forecasts_on_spark_rerun_retention_and_degradation(tmp_path):
    out = run_on_spark(BODY, tmp_path)
    statuses = {int(k): v for k, v in out["statuses"].items()}
    assert all(v[0] == "pass" for v in statuses.values()), [v[3] for v in statuses.values() if v[0] != "pass"]
    # the forecasts of day 28 land on night 35: passing before, failing that night, passing after
    assert [statuses[d][1] for d in range(27, 35)] == ["pass"] * 8, [statuses[d][3] for d in range(27, 35)]
    assert statuses[35][1] == "fail" and statuses[35][2] == "2026-01-29", statuses[35][3]
    assert statuses[36][1] == "pass", statuses[36][3]
    # the rerun of night 36 replaced its partition: one set of 7 days x 40 series per date; retention 12
    # days dropped the partitions before day 24 of both tables
    assert out["rerun"] == ["pass", "pass", True]
    assert [n for _, n in out["kept"]] == [7 * 8 * 5] * 13 and out["kept"][0][0] == "2026-01-25"
    assert all(n == 1 for _, n in out["measured"]) and out["measured"][0][0] == "2026-01-25"
