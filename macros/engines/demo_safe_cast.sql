{#- Engine overrides of `strataqc.demo_safe_cast` (default: try_cast()). -#}

{% macro postgres__demo_safe_cast(expr, sql_type) %}
  {#- PostgreSQL has no try_cast: the same error-catching cast as the checks use -#}
  {{ return(strataqc.postgres__try_cast(expr, sql_type)) }}
{% endmacro %}

{% macro spark__demo_safe_cast(expr, sql_type) %}
  {#- Spark spells the 8-byte float `double`; `double precision` does not parse there -#}
  {%- set sql_type = 'double' if sql_type | lower == 'double precision' else sql_type -%}
  {{ return('try_cast(' ~ expr ~ ' as ' ~ sql_type ~ ')') }}
{% endmacro %}
