{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='_load_id',
    on_schema_change='fail'
) }}
-- Quarantine: every landed sales line that cannot be cleaned, as landed, with the reason.
-- Nothing is dropped silently: see dwd_sales__reconciliation.
with lines as (
    {{ strataqc.demo_sales_lines(is_incremental()) }}
)

select
    line_id,
    sale_date,
    store_id,
    sku_id,
    units,
    unit_price,
    promo_flag,
    reject_reason,
    _source_file,
    _load_id,
    _loaded_at,
    _line_number
from lines
where reject_reason is not null
