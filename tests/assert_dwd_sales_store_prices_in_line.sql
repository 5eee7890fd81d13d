{{ config(severity='warn', meta={'strataqc': {'columns': ['unit_price']}}) }}
-- A store whose prices sit far from what the other stores charge for the same SKU that day
-- (cents sent for euros: x100) is judged per store and day. The yardstick is the SKU's median
-- price across stores that day, read from dwd_sales itself: one parent keeps this check on
-- dwd_sales in lineage, and a median over stores is not moved by one store's bad prices.
-- Promotions (x0.8) and the everyday noise stay well inside the 5x band.
-- Every verdict is one day's: an incremental night reads the days its loads touched, every line
-- of them (strataqc.scoped), and finds what a whole-table read finds on those days.
with priced as (
    select store_id, sku_id, sale_date, unit_price
    from {{ strataqc.scoped(ref('dwd_sales'), by=['sale_date']) }} as sales
    -- NULL, NaN, inf and negative prices are dwd_sales__kept_defects' to report
    where unit_price > 0
      and not {{ strataqc.is_nan('unit_price') }}
      and not {{ strataqc.is_inf('unit_price') }}
),

-- the median as the middle line(s) of each SKU-day's sorted prices: a window sort, which spills to
-- disk, where a median aggregate holds every price of the table in memory at once (30M lines: out of
-- memory beside another test under a 1.5 GB limit)
ranked as (
    select sku_id, sale_date, unit_price,
        row_number() over (partition by sku_id, sale_date order by unit_price) as price_rank,
        count(*) over (partition by sku_id, sale_date) as priced_lines
    from priced
),

usual as (
    -- the middle line of an odd count, the mean of the two middle lines of an even one
    select sku_id, sale_date, avg(unit_price) as median_price
    from ranked
    where 2 * price_rank in (priced_lines, priced_lines + 1, priced_lines + 2)
    group by sku_id, sale_date
),

judged as (
    select
        priced.store_id,
        priced.sale_date,
        count(*) as lines,
        sum(case when priced.unit_price > 5 * usual.median_price
                   or priced.unit_price * 5 < usual.median_price then 1 else 0 end) as lines_off
    from priced
    inner join usual
        on priced.sku_id = usual.sku_id and priced.sale_date = usual.sale_date
    group by priced.store_id, priced.sale_date
)

-- a store-day fails when more than half of its priced lines are off: a unit change, not a typo
select store_id, sale_date, lines, lines_off,
    cast(lines_off as {{ strataqc.type_double() }}) / lines as observed,
    0.5 as threshold
from judged
where lines_off * 2 > lines
