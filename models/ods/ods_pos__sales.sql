-- Raw point-of-sale lines as landed: 1:1 with the landing table, every value still text
with source as (
    select * from {{ source('landing', 'pos_sales') }}
)

select
    line_id,
    sale_date,
    store_id,
    sku_id,
    units,
    unit_price,
    promo_flag,
    _source_file,
    _load_id,
    _loaded_at,
    _line_number
from source
