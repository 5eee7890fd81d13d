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

{% macro spark__column_types(model) %}
  {#- Through a Thrift server dbt-spark reads a filtered subquery's types (a test with `where`)
      from the HiveServer2 cursor, which names them DOUBLE_TYPE, DECIMAL_TYPE, ...; a table's
      DESCRIBE and a local session say double, decimal(10,2). Without the suffix both read alike. -#}
  {%- set found = {} -%}
  {%- for name, data_type in strataqc.default__column_types(model).items() -%}
    {%- set lowered = data_type | lower -%}
    {%- do found.update({name: lowered[:-5] if lowered.endswith('_type') else data_type}) -%}
  {%- endfor -%}
  {{ return(found) }}
{% endmacro %}
