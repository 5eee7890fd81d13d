{#- SQL type to cast text into, for a `valid_type` family. -#}
{% macro cast_type(family) %}
  {{ return(adapter.dispatch('cast_type', 'strataqc')(family)) }}
{% endmacro %}

{% macro default__cast_type(family) %}
  {%- set types = {'integer': 'bigint', 'number': 'double', 'boolean': 'boolean',
                   'date': 'date', 'timestamp': dbt.type_timestamp()} -%}
  {{ return(types[family]) }}
{% endmacro %}

{% macro postgres__cast_type(family) %}
  {#- PostgreSQL has no `double` type: number casts to double precision -#}
  {%- set types = {'integer': 'bigint', 'number': 'double precision', 'boolean': 'boolean',
                   'date': 'date', 'timestamp': dbt.type_timestamp()} -%}
  {{ return(types[family]) }}
{% endmacro %}
