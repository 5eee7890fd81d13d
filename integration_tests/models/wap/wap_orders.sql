{{ config(enabled=var('strataqc_it_wap', false), materialized='incremental',
          incremental_strategy='strataqc_wap', unique_key='id') }}
-- tonight's delivery on an incremental run; every delivery so far on the first build
select night, id, amount
from {{ ref('wap_deliveries') }}
{% if is_incremental() -%}
where delivery = {{ var('strataqc_it_wap_delivery', 1) }}
{%- else -%}
where delivery <= {{ var('strataqc_it_wap_delivery', 1) }}
{%- endif %}
