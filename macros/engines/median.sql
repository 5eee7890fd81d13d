{#- Engine overrides of `strataqc.median` (default: DuckDB's median()). -#}

{% macro postgres__median(expr) %}
  {#- PostgreSQL has no median(): the ordered-set aggregate gives the same interpolated value -#}
  {{ return('percentile_cont(0.5) within group (order by ' ~ expr ~ ')') }}
{% endmacro %}

{% macro spark__median(expr) %}
  {#- Spark's median() is exact too, but percentile() exists on every 3.x/4.x release -#}
  {{ return('percentile(' ~ expr ~ ', 0.5)') }}
{% endmacro %}
