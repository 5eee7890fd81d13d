-- Stores, typed; names trimmed of surrounding blanks only (other special characters stay visible)
with source as (
    select * from {{ ref('ods_erp__stores') }}
)

select
    trim(store_id) as store_id,
    trim(store_name) as store_name,
    trim(region) as region,
    {{ strataqc.try_cast('trim(store_size_m2)', 'integer') }} as store_size_m2,
    {{ strataqc.try_cast('trim(opened_on)', 'date') }} as opened_on,
    _load_id
from source
