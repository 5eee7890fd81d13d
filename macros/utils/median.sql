{#- Aggregate: the median of a numeric expression. -#}
{% macro median(expr) %}
  {{ return(adapter.dispatch('median', 'strataqc')(expr)) }}
{% endmacro %}

{% macro default__median(expr) %}
  {{ return('median(' ~ expr ~ ')') }}
{% endmacro %}

{% macro postgres__median(expr) %}
  {#- PostgreSQL has no median(): the ordered-set aggregate gives the same interpolated value -#}
  {{ return('percentile_cont(0.5) within group (order by ' ~ expr ~ ')') }}
{% endmacro %}

{% macro spark__median(expr) %}
  {#- Spark's median() is exact too, but percentile() exists on every 3.x/4.x release -#}
  {{ return('percentile(' ~ expr ~ ', 0.5)') }}
{% endmacro %}
