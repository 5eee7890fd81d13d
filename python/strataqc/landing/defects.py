"""The defects the demo's landing zone carries on purpose, and where each shows up (DESIGN §2).

`generate` plants them; `manifest.json` lists them with these descriptions, so a
check that finds one can be traced back to what was planted.
"""

from __future__ import annotations

REGIONS = ["North", "South", "East", "West"]
CATEGORIES = ["Dairy", "Bakery", "Beverages", "Produce", "Frozen", "Snacks", "Household"]
NEW_CATEGORY = "Ready Meals"
# Spellings the DWD standardisation folds into the canonical name (case, blanks, hyphen)
MESSY_SPELLINGS = {"Dairy": ["Dairy", "dairy ", "DAIRY", "Dairy-"], "Bakery": ["Bakery", " bakery", "BAKERY"]}
# A spelling the standardisation misses on purpose: it survives into DWD and ADS
SURVIVING_SPELLING = {"canonical": "Beverages", "variant": "Beverage"}

# Per-line defects: (kind, rate per line). At least one of each lands on the anchor day.
LINE_DEFECTS = [
    ("duplicate_lines", 0.003),
    ("units_nan_inf", 0.0005),
    ("units_not_a_number", 0.0005),
    ("units_empty", 0.0003),
    ("unparseable_sale_date", 0.0004),
    ("negative_units", 0.002),
    ("unit_price_nan_inf", 0.0005),
    ("unit_price_empty", 0.001),
]
BAD_UNITS = ["12a", "three", "1,5", "?"]
BAD_DATES = ["2026-02-30", "31/12/2025", "yesterday", "2026-13-01"]
NON_FINITE = ["NaN", "inf", "-inf"]

# Where each defect shows up: the model a check finds it in, and what the warehouse does with it.
DEFECT_DOCS = {
    "duplicate_lines": ("ods", "ods_pos__sales", "line_id",
                        "a POS line re-sent in the same file (identical line)", "removed in dwd_sales, counted in dwd_sales__reconciliation"),
    "units_nan_inf": ("ods", "ods_pos__sales", "units", "units given as NaN / inf / -inf", "rejected to dwd_sales__rejected"),
    "units_not_a_number": ("ods", "ods_pos__sales", "units", "units that are not a number ('12a', 'three', '1,5', '?')",
                           "rejected to dwd_sales__rejected"),
    "units_empty": ("ods", "ods_pos__sales", "units", "empty units field", "rejected to dwd_sales__rejected"),
    "unparseable_sale_date": ("ods", "ods_pos__sales", "sale_date", "sale_date that is not a date",
                              "rejected to dwd_sales__rejected"),
    "negative_units": ("dwd", "dwd_sales", "units", "negative quantities (returns netted on the POS)", "kept: survives into DWS"),
    "unit_price_nan_inf": ("dwd", "dwd_sales", "unit_price", "unit_price given as NaN / inf / -inf",
                           "kept as a non-finite double: survives into DWS and ADS"),
    "unit_price_empty": ("dwd", "dwd_sales", "unit_price", "empty unit_price", "kept as NULL: survives into DWS and ADS"),
    "missing_series_days": ("dwd", "dwd_sales", "sale_date", "one store × SKU has no lines for several days in a row",
                            "zero-filled in dws_sales_daily (is_filled)"),
    "missing_store_day": ("dwd", "dwd_sales", "sale_date", "one store sent no lines at all for one day",
                          "zero-filled in dws_sales_daily (is_filled)"),
    "load_rejects": ("landing", "landing._rejects", None, "lines that cannot be loaded (wrong column count, bad encoding)",
                     "kept with a reason in landing._rejects"),
    "special_characters": ("ods", "ods_erp__skus", "sku_name",
                           "NBSP, zero-width space, control character, U+FFFD, leading/trailing blanks in names",
                           "leading/trailing blanks trimmed in DWD; the others survive into dwd_store / dwd_sku"),
    "empty_strings": ("ods", "ods_erp__stores", "store_name", "an empty store name", "kept: survives into dwd_store"),
    "messy_category_spellings": ("ods", "ods_erp__skus", "category", "'Dairy' / 'dairy ' / 'DAIRY' / 'Dairy-' and such",
                                 "standardised in dwd_sku"),
    "category_spelling_survives": ("ads", "ads_demand_features", "category",
                                   "'Beverage' beside 'Beverages': the standardisation misses it on purpose",
                                   "survives into dwd_sku and ads_demand_features"),
    "drifted_window": ("ads", "ads_demand_features", "unit_price",
                       "the prediction window has prices ×1.35 and promotions on half the lines (train: 10%)",
                       "drift checks compare train with predict"),
    "new_category": ("ads", "ads_demand_features", "category",
                     f"SKUs of a new category '{NEW_CATEGORY}' sell only in the prediction window", "new_categories drift check"),
    "leaking_feature": ("ads", "ads_demand_features", "units_mean_14d_centered",
                        "a centred 14-day mean of units (6 days back, 7 ahead): it spans the target period, so it leaks it",
                        "target_correlation / model checks"),
}
