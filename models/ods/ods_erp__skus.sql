-- SKU master as landed: 1:1 with the landing table, every value still text
with source as (
    select * from {{ source('landing', 'erp_skus') }}
)

select
    sku_id,
    sku_name,
    category,
    base_price,
    _source_file,
    _load_id,
    _loaded_at,
    _line_number
from source
