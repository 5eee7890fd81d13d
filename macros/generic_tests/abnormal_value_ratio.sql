{% test abnormal_value_ratio(model, column_name, max_ratio=0, kinds=none, allow_empty=false) %}
  {%- do strataqc.require_column_level('abnormal_value_ratio', model, column_name) -%}
  {{ return(adapter.dispatch('test_abnormal_value_ratio', 'strataqc')(model, column_name, max_ratio, kinds, allow_empty)) }}
{% endtest %}

{% macro default__test_abnormal_value_ratio(model, column_name, max_ratio, kinds, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('abnormal_value_ratio', model, column_name) -%}
  {%- set max_ratio = strataqc.require_number(label, 'max_ratio', max_ratio, minimum=0, example='0.01') -%}
  {%- set max_ratio = 0 if max_ratio is none else max_ratio -%}
  {%- set kinds = strataqc.normalize_kinds(label, kinds) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
with counted as (
  select
    count(*) as rows_checked,
    count({{ col }}) as non_null_rows,
    sum(case when {{ strataqc.abnormal_condition(col, kinds, family) }} then 1 else 0 end) as failing_rows
  from {{ model }}
),
judged as (
  select rows_checked, non_null_rows, coalesce(failing_rows, 0) as failing_rows,
    {{ strataqc.as_double('coalesce(failing_rows, 0)') }} / nullif(rows_checked, 0) as observed
  from counted
)
select
  observed, {{ strataqc.as_double(max_ratio) }} as threshold, rows_checked, failing_rows,
  case when rows_checked = 0 or (non_null_rows = 0 and observed <= {{ max_ratio }})
    then {{ strataqc.sql_message(strataqc.nothing_to_check(label, [{'int': 'rows_checked'}, ' rows, no non-NULL value'])) }}
    else {{ strataqc.sql_message([label ~ ': ', {'int': 'failing_rows'}, ' of ', {'int': 'rows_checked'}, ' rows are ' ~ kinds | join('/') ~ ' (ratio ', {'num': 'observed'}, ', limit ' ~ max_ratio ~ ')']) }}
  end as message
from judged
-- strict: a ratio equal to max_ratio passes
where observed > {{ max_ratio }}
{%- if not allow_empty %}
   or rows_checked = 0 or non_null_rows = 0
{%- endif %}
{% endmacro %}
