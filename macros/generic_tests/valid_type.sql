{% test valid_type(model, column_name, type=none, allow_empty=false) %}
  {%- do strataqc.require_column_level('valid_type', model, column_name) -%}
  {{ return(adapter.dispatch('test_valid_type', 'strataqc')(model, column_name, type, allow_empty)) }}
{% endtest %}

{% macro default__test_valid_type(model, column_name, type, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('valid_type', model, column_name) -%}
  {%- if type is none -%}
    {{ strataqc.argument_error(label, 'type', 'is missing', 'add `type: integer` (integer, number, boolean, date, timestamp)') }}
  {%- endif -%}
  {%- set type = strataqc.require_choice(label, 'type', type, ['integer', 'number', 'boolean', 'date', 'timestamp']) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
-- NULL is absent, not invalid: abnormal_value_ratio judges NULLs
select {{ strataqc.to_text(col) }} as failing_value, count(*) as occurrences,
  {{ strataqc.sql_message([label ~ ': value ', {'text': col}, ' is not a valid ' ~ type ~ ' (rows: ', {'int': 'count(*)'}, ')']) }} as message
from {{ model }}
where {{ strataqc.not_castable_condition(col, type, family) }}
group by {{ col }}
{%- if not allow_empty %}
union all
select cast(null as {{ dbt.type_string() }}) as failing_value, 0 as occurrences,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }} as message
from (select count({{ col }}) as n from {{ model }}) counted
where n = 0
{%- endif %}
{% endmacro %}
