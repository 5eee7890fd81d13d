{% test column_type(model, column_name, type=none) %}
  {%- do strataqc.require_column_level('column_type', model, column_name) -%}
  {{ return(adapter.dispatch('test_column_type', 'strataqc')(model, column_name, type)) }}
{% endtest %}

{% macro default__test_column_type(model, column_name, type) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('column_type', model, column_name) -%}
  {%- set families = ['integer', 'number', 'float', 'decimal', 'string', 'boolean', 'date', 'timestamp'] -%}
  {%- if type is none -%}
    {{ strataqc.argument_error(label, 'type', 'is missing', 'add `type: number` (' ~ families | join(', ') ~ ')') }}
  {%- endif -%}
  {%- set type = strataqc.require_choice(label, 'type', type, families) -%}
  {#- the physical type is metadata: judged while compiling, the query only reports it -#}
  {%- set types = strataqc.column_types(model) -%}
  {%- set key = strataqc.unquote_name(column_name) | lower -%}
  {%- set actual = types.get(key) -%}
  {%- set family = strataqc.type_family(actual) if actual is not none else none -%}
  {%- set ok = family == type or (type == 'number' and family in ['integer', 'float', 'decimal']) -%}
  {%- if not execute -%}{%- set ok = true -%}{%- endif -%}
select
  {{ strataqc.string_literal(actual if actual is not none else '(missing)') }} as actual_type,
  {{ strataqc.string_literal(type) }} as expected_family,
  {% if actual is none -%}
  {{ strataqc.sql_message([label ~ ': the column does not exist']) }}
  {%- else -%}
  {{ strataqc.sql_message([label ~ ': physical type ' ~ actual ~ ' is of family ' ~ family ~ ', expected ' ~ type]) }}
  {%- endif %} as message
from (select 1 as one) probe
where {{ '1 = 0' if ok else '1 = 1' }}
{% endmacro %}
