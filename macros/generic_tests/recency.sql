{% test recency(model, column=none, max_age=none, unit='day', allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('recency', model, kwargs) -%}
  {{ return(adapter.dispatch('test_recency', 'strataqc')(model, column, max_age, unit, allow_empty)) }}
{% endtest %}

{% macro default__test_recency(model, column, max_age, unit, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('recency', model) -%}
  {%- set column = strataqc.require_name(label, 'column', column, example='loaded_at') -%}
  {%- set max_age = strataqc.require_number(label, 'max_age', max_age, required=true, minimum=0, example='1') -%}
  {%- set unit = strataqc.require_choice(label, 'unit', unit, ['day', 'hour'], 'day') -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set data_type = strataqc.require_column_exists(label, 'column', column, strataqc.column_types(model)) -%}
  {%- set newest = 'cast(max(' ~ strataqc.quote_identifier(column) ~ ') as ' ~ dbt.type_timestamp() ~ ')' -%}
  {%- if data_type is not none and strataqc.type_family(data_type) == 'date' -%}
    {#- a DATE has no time of day: its age is whole calendar days (hours since its midnight) -#}
    {%- set age = dbt.datediff('newest_value', 'as_of', unit) -%}
  {%- else -%}
    {%- set age = strataqc.seconds_between('newest_value', 'as_of') ~ ' / ' ~ (86400 if unit == 'day' else 3600) -%}
  {%- endif -%}
with newest as (
  select {{ newest }} as newest_value, {{ strataqc.current_time() }} as as_of
  from {{ model }}
),
aged as (
  select newest_value, as_of,
    -- a timestamp's age is the time elapsed, in fractional units; a date's is whole calendar days
    {{ strataqc.as_double(age) }} as observed
  from newest
)
select newest_value, as_of, observed, {{ strataqc.as_double(max_age) }} as threshold,
  case when newest_value is null
    then {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL ' ~ column)) }}
    else {{ strataqc.sql_message([label ~ ': newest ' ~ column ~ ' ', {'text': 'newest_value'}, ' is ', {'num': 'observed'}, ' ' ~ unit ~ 's old at ', {'text': 'as_of'}, ', limit ' ~ max_age]) }}
  end as message
from aged
-- strict: exactly max_age old still passes
where observed > {{ max_age }}
{%- if not allow_empty %} or newest_value is null{% endif %}
{% endmacro %}
