"""Every defect the generator planted is found in the layer its manifest entry names,
with the count the manifest gives (the demo warehouse hides nothing and invents nothing)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.dbt

FINITE = "isfinite(unit_price)"


def defect(demo_night, kind: str) -> dict:
    return next(d for d in demo_night.manifest["defects"] if d["kind"] == kind)


def quoted(keys: list[str]) -> str:
    return ", ".join("'" + k.replace("'", "''") + "'" for k in keys)


def test_duplicate_lines_land_in_ods_and_are_removed_in_dwd(demo_night):
    d = defect(demo_night, "duplicate_lines")
    assert d["layer"] == "ods" and d["rows"] > 0
    repeated = demo_night.query("select line_id, count(*) - 1 from ods.ods_pos__sales group by 1 having count(*) > 1")
    assert sum(n for _, n in repeated) == d["rows"]
    assert {k for k, _ in repeated} == set(d["keys"])
    assert demo_night.scalar("select count(*) - count(distinct line_id) from dwd.dwd_sales") == 0
    assert demo_night.scalar("select sum(duplicates_removed) from dwd.dwd_sales__reconciliation") == d["rows"]


@pytest.mark.parametrize(("kind", "reason"), [
    ("units_nan_inf", "units not finite"),
    ("units_not_a_number", "units not a whole number"),
    ("units_empty", "units missing"),
    ("unparseable_sale_date", "sale_date not a date"),
])
def test_uncleanable_lines_land_in_ods_and_are_quarantined_with_their_reason(demo_night, kind, reason):
    d = defect(demo_night, kind)
    assert d["layer"] == "ods" and d["rows"] > 0 and not d["keys_truncated"]
    in_ods = demo_night.scalar(f"select count(distinct line_id) from ods.ods_pos__sales where line_id in ({quoted(d['keys'])})")
    assert in_ods == d["rows"]
    rejected = demo_night.query(f"select line_id from dwd.dwd_sales__rejected where reject_reason = '{reason}'")
    assert sorted(k for (k,) in rejected) == sorted(d["keys"])
    assert demo_night.scalar(f"select count(*) from dwd.dwd_sales where line_id in ({quoted(d['keys'])})") == 0


@pytest.mark.parametrize(("kind", "where"), [
    ("negative_units", "units < 0"),
    ("unit_price_nan_inf", f"unit_price is not null and not {FINITE}"),
    ("unit_price_empty", "unit_price is null"),
])
def test_kept_defects_survive_into_dwd_sales(demo_night, kind, where):
    d = defect(demo_night, kind)
    assert d["model"] == "dwd_sales" and d["rows"] > 0
    found = demo_night.query(f"select line_id from dwd.dwd_sales where {where}")
    assert sorted(k for (k,) in found) == sorted(d["keys"])


def test_missing_days_are_zero_filled_and_flagged_in_dws(demo_night):
    series = defect(demo_night, "missing_series_days")
    for key in series["keys"]:
        ids, day = key.split("@")
        store, sku = ids.split("/")
        row = demo_night.query(f"select is_filled, units, line_count, unit_price from dws.dws_sales_daily "
                               f"where store_id = '{store}' and sku_id = '{sku}' and date_day = date '{day}'")
        assert row == [(True, 0, 0, None)]
    store_day = defect(demo_night, "missing_store_day")
    store, day = store_day["keys"][0].split("@")
    assert demo_night.scalar(f"select count(*) from dwd.dwd_sales where store_id = '{store}' "
                             f"and sale_date = date '{day}'") == 0
    filled = demo_night.query(f"select count(*), bool_and(is_filled) from dws.dws_sales_daily "
                              f"where store_id = '{store}' and date_day = date '{day}'")
    assert filled == [(store_day["rows"], True)]


def test_load_rejects_are_kept_in_the_landing_schema(demo_night):
    d = defect(demo_night, "load_rejects")
    rows = demo_night.query("select source_file, raw_line from landing._rejects order by line_number")
    assert len(rows) == d["rows"] == 2
    assert {f for f, _ in rows} == set(d["files"])
    assert rows[0][1].startswith("TRAILER") and "S9999" in rows[1][1]


def test_special_characters_and_empty_names_survive_trimmed(demo_night):
    stores = dict(demo_night.query("select store_id, store_name from dwd.dwd_store"))
    skus = dict(demo_night.query("select sku_id, sku_name from dwd.dwd_sku"))
    assert "\u00a0" in stores["S0003"] and stores["S0004"] == "Store 004 Munich"  # blanks trimmed, NBSP kept
    assert stores["S0005"] == ""  # the empty name survives (an empty string, not NULL)
    assert "\u200b" in skus["K00002"] and "\x07" in skus["K00004"] and "\ufffd" in skus["K00006"]
    assert skus["K00007"] == "Apple juice"
    raw = dict(demo_night.query("select store_id, store_name from ods.ods_erp__stores"))
    assert raw["S0004"] == "  Store 004 Munich " and raw["S0005"] == ""
    assert len(defect(demo_night, "special_characters")["keys"]) == 6


def test_messy_category_spellings_are_standardised_but_one_survives(demo_night):
    messy = defect(demo_night, "messy_category_spellings")
    rows = demo_night.query(f"select category_raw, category from dwd.dwd_sku where sku_id in ({quoted(messy['keys'])})")
    assert len(rows) == messy["rows"]
    assert all(raw != clean and clean in ("Dairy", "Bakery") for raw, clean in rows)
    surviving = defect(demo_night, "category_spelling_survives")
    assert {c for (c,) in demo_night.query(f"select distinct category from ads.ads_demand_features "
                                            f"where sku_id in ({quoted(surviving['keys'])})")} == {"Beverage"}
    assert demo_night.scalar("select count(distinct category) from ads.ads_demand_features "
                             "where category in ('Beverage', 'Beverages')") == 2


def test_drifted_window_and_new_category_show_in_ads_predict(demo_night):
    ads = demo_night.manifest["ads"]
    promo = dict(demo_night.query("select dataset_split, avg(is_promo) from ads.ads_demand_features group by 1"))
    assert promo["predict"] > 0.4 and promo["train"] < 0.15
    price = dict(demo_night.query(f"select dataset_split, median(unit_price) from ads.ads_demand_features "
                                  f"where {FINITE} and category <> 'Ready Meals' group by 1"))
    assert price["predict"] > 1.2 * price["train"]
    splits = demo_night.query("select distinct dataset_split from ads.ads_demand_features "
                              f"where category = '{ads['new_category']}'")
    assert splits == [("predict",)]
    assert demo_night.scalar(f"select count(*) from ads.ads_demand_features where category = '{ads['new_category']}'") \
        == defect(demo_night, "new_category")["rows"]


def test_the_planted_leak_tracks_the_target_more_than_honest_features(demo_night):
    leak, honest = demo_night.query(
        "select corr(units_mean_14d_centered, units_next_7d), corr(units_mean_7d, units_next_7d) "
        "from ads.ads_demand_features where dataset_split = 'train'")[0]
    assert leak > 0.95 and leak > honest


# each kind the generator plants -> the test above that finds it; a new kind without a test fails here
COVERED = {"duplicate_lines", "units_nan_inf", "units_not_a_number", "units_empty", "unparseable_sale_date",
           "negative_units", "unit_price_nan_inf", "unit_price_empty", "missing_series_days", "missing_store_day",
           "load_rejects", "special_characters", "empty_strings", "messy_category_spellings",
           "category_spelling_survives", "drifted_window", "new_category", "leaking_feature"}


def test_every_planted_defect_kind_has_a_test_here(demo_night):
    assert {d["kind"] for d in demo_night.manifest["defects"]} == COVERED
