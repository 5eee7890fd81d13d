{#- {lower-case column name: physical data type} of a relation or of the
    filtered subquery dbt passes when a test sets `where`. Metadata only: no scan. -#}
{% macro column_types(model) %}
  {{ return(adapter.dispatch('column_types', 'strataqc')(model)) }}
{% endmacro %}

{% macro default__column_types(model) %}
  {%- set found = {} -%}
  {%- if not execute -%}{{ return(found) }}{%- endif -%}
  {%- if model is string -%}
    {%- set cols = get_column_schema_from_query('select * from ' ~ model) -%}
  {%- else -%}
    {%- set cols = adapter.get_columns_in_relation(model) -%}
  {%- endif -%}
  {%- for c in cols -%}
    {%- do found.update({(c.name | lower): (c.data_type | string)}) -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}
