{#- Integers 0..9999 (27 years of days) without a generate_series: the spine works on any engine. -#}
{% macro demo_day_numbers() %}
  {{ return(adapter.dispatch('demo_day_numbers', 'strataqc')()) }}
{% endmacro %}

{% macro default__demo_day_numbers() %}
  {%- set digits -%}
    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
  {%- endset -%}
  select ones.d + 10 * tens.d + 100 * hundreds.d + 1000 * thousands.d as n
  from ({{ digits }}) ones
  cross join ({{ digits }}) tens
  cross join ({{ digits }}) hundreds
  cross join ({{ digits }}) thousands
{% endmacro %}
