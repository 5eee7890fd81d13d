{#- Aggregate: the median of a numeric expression. -#}
{% macro median(expr) %}
  {{ return(adapter.dispatch('median', 'strataqc')(expr)) }}
{% endmacro %}

{% macro default__median(expr) %}
  {{ return('median(' ~ expr ~ ')') }}
{% endmacro %}
