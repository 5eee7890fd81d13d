{#- Why a landed sales line cannot be cleaned (NULL: it can). Shared by dwd_sales and
    dwd_sales__rejected so the two split the landed lines exactly. The first failing rule wins. -#}
{% macro demo_sales_reject_reason() %}
  case
    when nullif(trim(line_id), '') is null then 'line_id missing'
    when nullif(trim(sale_date), '') is null then 'sale_date missing'
    when {{ strataqc.demo_safe_cast('trim(sale_date)', 'date') }} is null then 'sale_date not a date'
    when nullif(trim(store_id), '') is null or nullif(trim(sku_id), '') is null then 'store_id or sku_id missing'
    when nullif(trim(units), '') is null then 'units missing'
    -- NaN / inf parse as doubles on most engines: name them before the cast test
    when lower(trim(units)) in ('nan', '+nan', '-nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity')
      then 'units not finite'
    when {{ strataqc.demo_safe_cast('trim(units)', 'integer') }} is null then 'units not a whole number'
    when nullif(trim(unit_price), '') is not null
      and {{ strataqc.demo_safe_cast('trim(unit_price)', 'double precision') }} is null then 'unit_price not a number'
    when coalesce(trim(promo_flag), '') not in ('0', '1') then 'promo_flag not 0 or 1'
  end
{% endmacro %}
