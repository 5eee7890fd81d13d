-- Store master as landed: 1:1 with the landing table, every value still text
with source as (
    select * from {{ source('landing', 'erp_stores') }}
)

select
    store_id,
    store_name,
    region,
    store_size_m2,
    opened_on,
    _source_file,
    _load_id,
    _loaded_at,
    _line_number
from source
