{#- The rows of the write-audit-publish fixture models (models/wap/): every model audits the same
    deliveries, only its on-fail setting differs. Called from a model, so is_incremental() is its own. -#}
{% macro wap_delivery_rows() %}
-- tonight's delivery on an incremental run; every delivery so far on the first build
select night, id, amount
from {{ ref('wap_deliveries') }}
{% if is_incremental() -%}
where delivery = {{ var('strataqc_it_wap_delivery', 1) }}
{%- else -%}
where delivery <= {{ var('strataqc_it_wap_delivery', 1) }}
{%- endif %}
{% endmacro %}
