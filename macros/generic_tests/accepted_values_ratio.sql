{% test accepted_values_ratio(model, column_name, values=none, max_ratio=0, allow_empty=false) %}
  {%- do strataqc.require_column_level('accepted_values_ratio', model, column_name) -%}
  {{ return(adapter.dispatch('test_accepted_values_ratio', 'strataqc')(model, column_name, values, max_ratio, allow_empty)) }}
{% endtest %}

{% macro default__test_accepted_values_ratio(model, column_name, values, max_ratio, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('accepted_values_ratio', model, column_name) -%}
  {%- set values = strataqc.normalize_values(label, values) -%}
  {%- set max_ratio = strataqc.require_number(label, 'max_ratio', max_ratio, minimum=0, example='0.01') -%}
  {%- set max_ratio = 0 if max_ratio is none else max_ratio -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
with counted as (
  select count({{ col }}) as rows_checked,
    sum(case when {{ strataqc.outside_values_condition(col, values, family) }} then 1 else 0 end) as failing_rows
  from {{ model }}
),
judged as (
  select rows_checked, coalesce(failing_rows, 0) as failing_rows,
    {{ strataqc.as_double('coalesce(failing_rows, 0)') }} / nullif(rows_checked, 0) as observed
  from counted
)
-- the share is of non-NULL values: NULLs are abnormal_value_ratio's business
select observed, {{ strataqc.as_double(max_ratio) }} as threshold, rows_checked, failing_rows,
  case when rows_checked = 0
    then {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }}
    else {{ strataqc.sql_message([label ~ ': ', {'int': 'failing_rows'}, ' of ', {'int': 'rows_checked'}, ' values are outside the accepted list (ratio ', {'num': 'observed'}, ', limit ' ~ max_ratio ~ ')']) }}
  end as message
from judged
where observed > {{ max_ratio }}
{%- if not allow_empty %} or rows_checked = 0{% endif %}
{% endmacro %}
