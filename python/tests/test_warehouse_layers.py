"""DWS and ADS semantics on the demo night: a complete, zero-filled date spine; weekly sums that
add up; a feature set whose split, target, lags and calendar mean what their docs say."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.dbt


def test_daily_spine_is_complete_from_each_series_first_sale_to_the_last_day(demo_night):
    end = dt.date.fromisoformat(demo_night.manifest["generator"]["end_date"])
    rows = demo_night.query("""
        select store_id, sku_id, count(*) as days, count(distinct date_day) as distinct_days,
               min(date_day) as first_day, max(date_day) as last_day
        from dws.dws_sales_daily group by 1, 2""")
    g = demo_night.manifest["generator"]
    assert len(rows) == g["stores"] * (g["skus"] + g["new_skus"])
    first_sale = dict(((s, k), d) for s, k, d in demo_night.query(
        "select store_id, sku_id, min(sale_date) from dwd.dwd_sales group by 1, 2"))
    for store, sku, days, distinct_days, first_day, last_day in rows:
        assert days == distinct_days == (last_day - first_day).days + 1, (store, sku)  # no gap, no repeat
        assert last_day == end and first_day == first_sale[(store, sku)]


def test_filled_days_are_zero_and_flagged_real_days_are_not(demo_night):
    filled = demo_night.query("""
        select count(*), sum(units), sum(line_count), count(unit_price), sum(sales_amount)
        from dws.dws_sales_daily where is_filled""")[0]
    assert filled[0] == demo_night.manifest["expected"]["dws_sales_daily.is_filled"] > 0
    assert filled[1:] == (0, 0, 0, 0)
    assert demo_night.scalar("select count(*) from dws.dws_sales_daily where not is_filled and line_count = 0") == 0


def test_daily_and_weekly_totals_equal_the_clean_lines(demo_night):
    dwd = demo_night.scalar("select sum(units) from dwd.dwd_sales")
    daily = demo_night.scalar("select sum(units) from dws.dws_sales_daily")
    weekly = demo_night.scalar("select sum(units) from dws.dws_sales_weekly")
    assert dwd == daily == weekly
    lines = demo_night.scalar("select sum(line_count) from dws.dws_sales_daily")
    assert lines == demo_night.manifest["expected"]["dwd_sales"]
    weeks = demo_night.query("""
        select min(isodow(week_start)), max(isodow(week_start)), max(days), sum(filled_days), sum(days)
        from dws.dws_sales_weekly""")[0]
    assert weeks[:3] == (1, 1, 7)  # weeks start on Monday and hold at most 7 days
    assert weeks[3] == demo_night.manifest["expected"]["dws_sales_daily.is_filled"]
    assert weeks[4] == demo_night.manifest["expected"]["dws_sales_daily"]


def test_ads_split_is_time_based_predict_last_7_valid_14_before(demo_night):
    end = dt.date.fromisoformat(demo_night.manifest["generator"]["end_date"])
    splits = {s: (lo, hi, n) for s, lo, hi, n in demo_night.query(
        "select dataset_split, min(date_day), max(date_day), count(*) from ads.ads_demand_features group by 1")}
    assert splits["predict"][:2] == (end - dt.timedelta(days=6), end)
    assert splits["valid"][:2] == (end - dt.timedelta(days=20), end - dt.timedelta(days=7))
    assert splits["train"][1] == end - dt.timedelta(days=21)
    assert splits["predict"][2] == demo_night.manifest["expected"]["ads_demand_features.predict"]
    assert [d.isoformat() for d in splits["predict"][:2]] == demo_night.manifest["ads"]["predict_dates"]


def test_ads_target_is_the_next_7_days_and_unknown_only_in_predict(demo_night):
    nulls = dict(demo_night.query("select dataset_split, count(*) - count(units_next_7d) "
                                  "from ads.ads_demand_features group by 1"))
    predict = demo_night.manifest["expected"]["ads_demand_features.predict"]
    assert nulls == {"train": 0, "valid": 0, "predict": predict}
    wrong = demo_night.scalar("""
        select count(*) from ads.ads_demand_features a
        where a.units_next_7d is not null and a.units_next_7d <> (
            select sum(d.units) from dws.dws_sales_daily d
            where d.store_id = a.store_id and d.sku_id = a.sku_id
              and d.date_day between a.date_day + 1 and a.date_day + 7)""")
    assert wrong == 0


def test_ads_lags_and_means_read_the_daily_spine(demo_night):
    wrong = demo_night.scalar("""
        select count(*) from ads.ads_demand_features a
        left join dws.dws_sales_daily l1 on l1.store_id = a.store_id and l1.sku_id = a.sku_id
            and l1.date_day = a.date_day - 1
        left join dws.dws_sales_daily l7 on l7.store_id = a.store_id and l7.sku_id = a.sku_id
            and l7.date_day = a.date_day - 7
        where a.units_lag_1 is distinct from l1.units or a.units_lag_7 is distinct from l7.units""")
    assert wrong == 0
    wrong_mean = demo_night.scalar("""
        select count(*) from ads.ads_demand_features a
        where abs(a.units_mean_7d - (
            select avg(d.units) from dws.dws_sales_daily d
            where d.store_id = a.store_id and d.sku_id = a.sku_id
              and d.date_day between a.date_day - 6 and a.date_day)) > 1e-9""")
    assert wrong_mean == 0


def test_ads_calendar_and_keys(demo_night):
    rows = demo_night.query("select distinct date_day, day_of_week, week_of_year, month, is_weekend "
                            "from ads.ads_demand_features")
    for day, dow, week, month, weekend in rows:
        assert dow == day.isoweekday() % 7 and week == day.isocalendar().week and month == day.month
        assert weekend == (1 if dow in (0, 6) else 0)
    assert demo_night.scalar("select count(*) - count(distinct (store_id, sku_id, date_day)) "
                             "from ads.ads_demand_features") == 0
    assert demo_night.scalar("select count(*) from ads.ads_demand_features "
                             "where category is null or region is null or store_size_m2 is null") == 0
