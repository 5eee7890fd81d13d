{#- Cast that yields NULL for a value that does not convert (DWD typing of raw text). -#}
{% macro demo_safe_cast(expr, sql_type) %}
  {{ return(adapter.dispatch('demo_safe_cast', 'strataqc')(expr, sql_type)) }}
{% endmacro %}

{% macro default__demo_safe_cast(expr, sql_type) %}
  {#- DuckDB and Spark (3.2+) both have try_cast; PostgreSQL needs its own -#}
  {{ return('try_cast(' ~ expr ~ ' as ' ~ sql_type ~ ')') }}
{% endmacro %}
