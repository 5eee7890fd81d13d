-- The wide table of case 1: 20 columns of every type family a feature table holds,
-- derived deterministically from the generated sales rows ({base} names a view with
-- row_id, store_id, sku_id, date_day, units_raw, price_raw, category, region, store_name):
-- numbers with the NaN/inf the generator plants, raw text that must cast, categories,
-- free text with special characters.
create schema if not exists bench;
create or replace table bench.wide_features as
select
    row_id,
    store_id,
    sku_id,
    date_day,
    try_cast(units_raw as double) as units,
    try_cast(price_raw as double) as price,
    try_cast(units_raw as double) * try_cast(price_raw as double) as revenue,
    ((row_id * 7919) % 100) / 100.0 as discount,
    (row_id * 31 + store_id) % 1000 as lag_7_units,
    ((row_id * 17 + sku_id) % 5000) / 10.0 as rolling_mean_28,
    dayofweek(date_day) as weekday,
    units_raw,
    price_raw,
    cast(date_day as varchar) as date_raw,
    case row_id % 3 when 0 then 'true' when 1 then 'false' else 'no' end as promo_flag,
    cast((row_id * 13) % 97 as varchar) as qty_raw,
    category,
    region,
    store_name,
    case when row_id % 50000 = 7 then 'note' || chr(160) || 'x' else 'note ' || (row_id % 10) end as note
from {base}
order by row_id;
