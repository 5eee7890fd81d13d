{#- Aggregate: the interpolated (continuous) quantile `q` (0..1) of a numeric expression. -#}
{% macro quantile(expr, q) %}
  {{ return(adapter.dispatch('quantile', 'strataqc')(expr, q)) }}
{% endmacro %}

{% macro default__quantile(expr, q) %}
  {{ return('quantile_cont(' ~ expr ~ ', ' ~ q ~ ')') }}
{% endmacro %}

{% macro postgres__quantile(expr, q) %}
  {#- PostgreSQL has only the ordered-set form -#}
  {{ return('percentile_cont(' ~ q ~ ') within group (order by ' ~ expr ~ ')') }}
{% endmacro %}

{% macro spark__quantile(expr, q) %}
  {#- percentile() is exact and interpolates like quantile_cont; percentile_approx would not -#}
  {{ return('percentile(' ~ expr ~ ', ' ~ q ~ ')') }}
{% endmacro %}
