{#- The Parquet file as a relation: DuckDB's read_parquet(), Spark's parquet.`path`. -#}
{% macro nan_parquet_relation(path) %}
  {{ return(adapter.dispatch('nan_parquet_relation', 'strataqc_integration_tests')(path)) }}
{% endmacro %}

{% macro default__nan_parquet_relation(path) %}
  {{ return('read_parquet(' ~ strataqc.string_literal(path) ~ ')') }}
{% endmacro %}

{% macro spark__nan_parquet_relation(path) %}
  {{ return('parquet.`' ~ path | replace('`', '``') ~ '`') }}
{% endmacro %}
