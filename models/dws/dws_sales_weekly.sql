-- Store × SKU × week (weeks start on Monday), summed from the daily spine
with daily as (
    select * from {{ ref('dws_sales_daily') }}
)

select
    store_id,
    sku_id,
    cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
    cast(sum(units) as bigint) as units,
    sum(sales_amount) as sales_amount,
    avg(unit_price) as avg_unit_price,
    cast(sum(is_promo) as integer) as promo_days,
    cast(count(*) as integer) as days,
    cast(sum(case when is_filled then 1 else 0 end) as integer) as filled_days
from daily
group by store_id, sku_id, cast({{ dbt.date_trunc('week', 'date_day') }} as date)
