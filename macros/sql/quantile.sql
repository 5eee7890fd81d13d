{#- Aggregate: the interpolated (continuous) quantile `q` (0..1) of a numeric expression. -#}
{% macro quantile(expr, q) %}
  {{ return(adapter.dispatch('quantile', 'strataqc')(expr, q)) }}
{% endmacro %}

{% macro default__quantile(expr, q) %}
  {{ return('quantile_cont(' ~ expr ~ ', ' ~ q ~ ')') }}
{% endmacro %}
