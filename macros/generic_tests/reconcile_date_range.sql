{% test reconcile_date_range(model, date_column=none, compare_model=none, compare_date_column=none, allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('reconcile_date_range', model, kwargs) -%}
  {{ return(adapter.dispatch('test_reconcile_date_range', 'strataqc')(model, date_column, compare_model, compare_date_column, allow_empty)) }}
{% endtest %}

{% macro default__test_reconcile_date_range(model, date_column, compare_model, compare_date_column, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('reconcile_date_range', model) -%}
  {%- set date_column = strataqc.require_name(label, 'date_column', date_column, example='date_day') -%}
  {%- set compare_model = strataqc.require_relation(label, 'compare_model', compare_model) -%}
  {%- set compare_date_column = strataqc.require_name(label, 'compare_date_column', compare_date_column, required=false) or date_column -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set label = label ~ ' vs ' ~ strataqc.relation_label(compare_model) -%}
  {#- DATE and TIMESTAMP columns are compared at day grain -#}
  {%- set this_day = strataqc.truncate_period(strataqc.quote_identifier(date_column), 'day') -%}
  {%- set compare_day = strataqc.truncate_period(strataqc.quote_identifier(compare_date_column), 'day') -%}
with bounds as (
  select
    (select min({{ this_day }}) from {{ model }}) as this_min,
    (select max({{ this_day }}) from {{ model }}) as this_max,
    (select min({{ compare_day }}) from {{ compare_model }}) as compare_min,
    (select max({{ compare_day }}) from {{ compare_model }}) as compare_max
),
sides as (
  select 'min' as bound, this_min as this_date, compare_min as compare_date from bounds
  union all
  select 'max' as bound, this_max as this_date, compare_max as compare_date from bounds
)
select bound, this_date, compare_date,
  {{ strataqc.as_double(strataqc.period_diff('compare_date', 'this_date', 'day')) }} as observed,
  {{ strataqc.as_double(0) }} as threshold,
  case when this_date is null and compare_date is null
    then {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'neither model has a date')) }}
    else {{ strataqc.sql_message([label ~ ': ', {'text': 'bound'}, ' date ', {'text': 'this_date'}, ' vs ', {'text': 'compare_date'}, ' in the compared model']) }}
  end as message
from sides
where not {{ strataqc.null_safe_equals('this_date', 'compare_date') }}
{%- if not allow_empty %}
   or (this_date is null and compare_date is null and bound = 'min')
{%- endif %}
{% endmacro %}
