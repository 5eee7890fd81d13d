{% test row_count_ratio(model, compare_model=none, factor=1, tolerance_ratio=0, comparison='equal', allow_empty=false) %}
  {{ return(adapter.dispatch('test_row_count_ratio', 'strataqc')(model, compare_model, factor, tolerance_ratio, comparison, allow_empty)) }}
{% endtest %}

{% macro default__test_row_count_ratio(model, compare_model, factor, tolerance_ratio, comparison, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('row_count_ratio', model) -%}
  {%- set compare_model = strataqc.require_relation(label, 'compare_model', compare_model) -%}
  {%- set factor = strataqc.require_number(label, 'factor', factor, minimum=0, example='0.5') -%}
  {%- set factor = 1 if factor is none else factor -%}
  {%- set tolerance_ratio = strataqc.require_ratio(label, 'tolerance_ratio', tolerance_ratio) -%}
  {%- set comparison = strataqc.require_choice(label, 'comparison', comparison, ['equal', 'fewer', 'not_more'], 'equal') -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set label = label ~ ' vs ' ~ strataqc.relation_label(compare_model) -%}
  {%- set fails = {
      'equal': 'abs(this_rows - expected_rows) > ' ~ tolerance_ratio ~ ' * expected_rows',
      'fewer': 'this_rows >= expected_rows',
      'not_more': 'this_rows > expected_rows * (1 + ' ~ tolerance_ratio ~ ')'}[comparison] -%}
  {%- set expects = {'equal': ' expected (tolerance ' ~ tolerance_ratio ~ ')', 'fewer': ' expected fewer', 'not_more': ' expected at most that (tolerance ' ~ tolerance_ratio ~ ')'}[comparison] -%}
with counted as (
  select
    (select count(*) from {{ model }}) as this_rows,
    (select count(*) from {{ compare_model }}) as compare_rows
),
judged as (
  select this_rows, compare_rows, {{ strataqc.as_double('compare_rows') }} * {{ factor }} as expected_rows
  from counted
)
select {{ strataqc.as_double('this_rows') }} as observed, expected_rows as threshold, compare_rows,
  case when this_rows = 0 and compare_rows = 0
    then {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'both models have no rows')) }}
    else {{ strataqc.sql_message([label ~ ': ', {'int': 'this_rows'}, ' rows against ', {'int': 'compare_rows'}, ' x ' ~ factor ~ ' = ', {'num': 'expected_rows'}, expects]) }}
  end as message
from judged
-- `fewer` is strict (dbt-utils' fewer_rows_than); the others pass at their bound
where ({{ fails }})
{%- if not allow_empty %} or (this_rows = 0 and compare_rows = 0){% endif %}
{% endmacro %}
