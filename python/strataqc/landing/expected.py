"""Row counts every layer of the demo warehouse must show for a landing zone (the manifest's `expected`).

`shape` is the generator's Shape; `defects` the ledger's rows per defect kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def expected_rows(shape: Any, days: int, totals: dict[str, int], defects: dict[str, int], masters: dict[str, int],
                  predict_days: int) -> dict:
    """Row counts every layer must show for this landing zone."""
    rejected = sum(defects.get(k, 0)
                   for k in ("units_nan_inf", "units_not_a_number", "units_empty", "unparseable_sale_date"))
    duplicates = defects["duplicate_lines"]
    regular = shape.stores * shape.skus * days
    new = shape.stores * shape.new_skus * max(0, days - shape.launch_day)
    spine = regular + new
    clean = totals["loaded"] - duplicates - rejected
    weeks = 0
    end = shape.start + dt.timedelta(days=days - 1)
    for first, count in ((0, shape.stores * shape.skus), (shape.launch_day, shape.stores * shape.new_skus)):
        if first >= days:
            continue
        begin = shape.start + dt.timedelta(days=first)
        span = ((end - dt.timedelta(days=end.weekday())) - (begin - dt.timedelta(days=begin.weekday()))).days // 7 + 1
        weeks += span * count
    return {
        "landing.pos_sales": totals["loaded"], "landing._rejects": totals["lines"] - totals["loaded"],
        "ods_pos__sales": totals["loaded"], "ods_erp__stores": masters["erp_stores"], "ods_erp__skus": masters["erp_skus"],
        "dwd_sales": clean, "dwd_sales__rejected": rejected, "duplicates_removed": duplicates,
        "dwd_store": masters["erp_stores"], "dwd_sku": masters["erp_skus"],
        "dws_sales_daily": spine, "dws_sales_daily.is_filled": spine - clean,
        "dws_sales_weekly": weeks, "ads_demand_features": spine,
        "ads_demand_features.predict": shape.stores * shape.skus * predict_days
        + shape.stores * shape.new_skus * min(predict_days, max(0, days - shape.launch_day)),
    }
