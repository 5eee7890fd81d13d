-- SKUs, typed; category spellings standardised (category_raw keeps what the ERP sent)
with source as (
    select * from {{ ref('ods_erp__skus') }}
)

select
    trim(sku_id) as sku_id,
    trim(sku_name) as sku_name,
    {{ strataqc.demo_standardise_category('category') }} as category,
    category as category_raw,
    {{ strataqc.try_cast('trim(base_price)', strataqc.type_double()) }} as base_price,
    _load_id
from source
