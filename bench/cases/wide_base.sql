-- The rows case 1's wide table is derived from: the landed POS lines (raw text, defects
-- and all) with their store and SKU attributes. Deterministic: ordered by file and line.
create schema if not exists bench;
create or replace view bench.wide_base as
with stores as (
    select * from landing.erp_stores qualify row_number() over (partition by store_id order by _line_number) = 1
),
skus as (
    select * from landing.erp_skus qualify row_number() over (partition by sku_id order by _line_number) = 1
)
select
    row_number() over (order by s._source_file, s._line_number) as row_id,
    try_cast(substr(s.store_id, 2) as integer) as store_id,
    try_cast(substr(s.sku_id, 2) as integer) as sku_id,
    try_cast(s.sale_date as date) as date_day,
    s.units as units_raw,
    s.unit_price as price_raw,
    k.category,
    st.region,
    st.store_name
from landing.pos_sales as s
left join stores as st on st.store_id = s.store_id
left join skus as k on k.sku_id = s.sku_id;
