{% test row_count_between(model, min_rows=none, max_rows=none, allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('row_count_between', model, kwargs) -%}
  {{ return(adapter.dispatch('test_row_count_between', 'strataqc')(model, min_rows, max_rows, allow_empty)) }}
{% endtest %}

{% macro default__test_row_count_between(model, min_rows, max_rows, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('row_count_between', model) -%}
  {%- set min_rows = strataqc.require_number(label, 'min_rows', min_rows, minimum=0, integer=true, example='1') -%}
  {%- set max_rows = strataqc.require_number(label, 'max_rows', max_rows, minimum=0, integer=true, example='1000000') -%}
  {%- if min_rows is none and max_rows is none -%}
    {{ strataqc.argument_error(label, 'min_rows', 'is missing, and so is `max_rows`', 'give at least one bound, e.g. `min_rows: 1`') }}
  {%- endif -%}
  {%- if min_rows is not none and max_rows is not none and min_rows > max_rows -%}
    {{ strataqc.argument_error(label, 'min_rows', 'is above max_rows (' ~ min_rows ~ ' > ' ~ max_rows ~ ')', 'swap the bounds') }}
  {%- endif -%}
  {#- an explicit min_rows: 0 says an empty model is fine -#}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) or min_rows == 0 -%}
  {%- set conditions = [] -%}
  {%- if min_rows is not none %}{% do conditions.append('observed < ' ~ min_rows) %}{% endif -%}
  {%- if max_rows is not none %}{% do conditions.append('observed > ' ~ max_rows) %}{% endif -%}
  {%- if not allow_empty %}{% do conditions.append('observed = 0') %}{% endif -%}
with counted as (
  select count(*) as observed from {{ model }}
)
select {{ strataqc.as_double('observed') }} as observed,
  {{ strataqc.as_double(min_rows if min_rows is not none else 'null') }} as min_rows,
  {{ strataqc.as_double(max_rows if max_rows is not none else 'null') }} as max_rows,
  {{ strataqc.as_double('case when observed > ' ~ (max_rows if max_rows is not none else 'observed') ~ ' then ' ~ (max_rows if max_rows is not none else 'null') ~ ' else ' ~ (min_rows if min_rows is not none else 'null') ~ ' end') }} as threshold,
  case when observed = 0
    then {{ strataqc.sql_message([label ~ ': the model has no rows (set allow_empty: true or min_rows: 0 if that is expected)']) }}
    else {{ strataqc.sql_message([label ~ ': ', {'int': 'observed'}, ' rows, expected ' ~ (min_rows if min_rows is not none else 0) ~ ' .. ' ~ (max_rows if max_rows is not none else 'any')]) }}
  end as message
from counted
-- strict: a count equal to a bound passes
where {{ conditions | join(' or ') }}
{% endmacro %}
