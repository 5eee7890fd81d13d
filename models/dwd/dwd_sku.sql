-- SKUs, typed; category spellings standardised through the seed category_spellings
-- (category_raw keeps what the ERP sent)
with source as (
    select * from {{ ref('ods_erp__skus') }}
),

spellings as (
    select * from {{ ref('category_spellings') }}
)

select
    trim(source.sku_id) as sku_id,
    trim(source.sku_name) as sku_name,
    -- case, surrounding blanks and hyphens do not matter; a spelling the map does not know is
    -- kept as written (trimmed), so it shows up as an extra level instead of vanishing
    coalesce(spellings.category, nullif(trim(source.category), '')) as category,
    source.category as category_raw,
    {{ strataqc.try_cast('trim(source.base_price)', strataqc.type_double()) }} as base_price,
    source._load_id
from source
left join spellings
    on spellings.spelling = lower(trim(replace(source.category, '-', '')))
