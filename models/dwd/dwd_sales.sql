{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='_load_id',
    on_schema_change='fail'
) }}
-- Clean, typed, de-duplicated sales lines. A line that cannot be cleaned goes to
-- dwd_sales__rejected instead (same rules): landed = clean + rejected + duplicates removed.
with lines as (
    {{ strataqc.demo_sales_lines(is_incremental()) }}
),

typed as (
    select
        line_id,
        {{ strataqc.try_cast('trim(sale_date)', 'date') }} as sale_date,
        trim(store_id) as store_id,
        trim(sku_id) as sku_id,
        {{ strataqc.try_cast('trim(units)', 'integer') }} as units,
        -- an empty price is unknown (NULL); NaN and inf are kept: the checks must see them
        {{ strataqc.try_cast("nullif(trim(unit_price), '')", strataqc.type_double()) }} as unit_price,
        cast(trim(promo_flag) as integer) as is_promo,
        _source_file,
        _load_id,
        _loaded_at,
        _line_number
    from lines
    where reject_reason is null
)

select
    *,
    units * unit_price as sales_amount
from typed
