{% test recency(model, column=none, max_age=none, unit='day', allow_empty=false) %}
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
  {%- do strataqc.require_column_exists(label, 'column', column, strataqc.column_types(model)) -%}
  {%- set newest = 'cast(max(' ~ strataqc.quote_identifier(column) ~ ') as ' ~ dbt.type_timestamp() ~ ')' -%}
with newest as (
  select {{ newest }} as newest_value, {{ strataqc.current_time() }} as as_of
  from {{ model }}
),
aged as (
  select newest_value, as_of,
    {{ strataqc.as_double(dbt.datediff('newest_value', 'as_of', unit)) }} as observed
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
