{#- Engine overrides of `strataqc.column_types` (default: the relation's or the query's columns). -#}

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
