{#- Engine overrides of `strataqc.cast_type` (default: DuckDB type names). -#}

{% macro postgres__cast_type(family) %}
  {#- PostgreSQL has no `double` type: number casts to double precision -#}
  {%- set types = {'integer': 'bigint', 'number': 'double precision', 'boolean': 'boolean',
                   'date': 'date', 'timestamp': dbt.type_timestamp()} -%}
  {{ return(types[family]) }}
{% endmacro %}
