{#- Why a landed sales line cannot be cleaned (NULL: it can). Shared by dwd_sales and
    dwd_sales__rejected so the two split the landed lines exactly. The first failing rule wins. -#}
{% macro demo_sales_reject_reason() %}
  {#- the business day in the file name pos_sales_YYYY-MM-DD.csv (NULL for another name) -#}
  {%- set file_day = strataqc.try_cast('substr(_source_file, length(_source_file) - 13, 10)', 'date') -%}
  {%- set sale_day = strataqc.try_cast('trim(sale_date)', 'date') -%}
  {%- set late_days = var('strataqc_reprocess_days', 2) | int -%}
  case
    when nullif(trim(line_id), '') is null then 'line_id missing'
    when nullif(trim(sale_date), '') is null then 'sale_date missing'
    when {{ sale_day }} is null then 'sale_date not a date'
    -- a day's file holds that day's sales and late lines of the days the nightly run still rebuilds
    -- (strataqc_reprocess_days): an older or future date would be missed by the incremental daily
    -- model, or stretch the date spine across decades
    when {{ sale_day }} > {{ file_day }} then 'sale_date after the file''s business day'
    when {{ sale_day }} < {{ dbt.dateadd('day', -late_days, file_day) }} then 'sale_date older than the reprocessing window'
    when nullif(trim(store_id), '') is null or nullif(trim(sku_id), '') is null then 'store_id or sku_id missing'
    when nullif(trim(units), '') is null then 'units missing'
    -- NaN / inf parse as doubles on most engines: name them before the cast test
    when lower(trim(units)) in ('nan', '+nan', '-nan', 'inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity')
      then 'units not finite'
    when {{ strataqc.try_cast('trim(units)', 'integer') }} is null then 'units not a whole number'
    when nullif(trim(unit_price), '') is not null
      and {{ strataqc.try_cast('trim(unit_price)', strataqc.type_double()) }} is null then 'unit_price not a number'
    when coalesce(trim(promo_flag), '') not in ('0', '1') then 'promo_flag not 0 or 1'
  end
{% endmacro %}
