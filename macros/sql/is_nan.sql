{#- True when a floating-point expression is NaN (never true for NULL). -#}
{% macro is_nan(expr) %}
  {{ return(adapter.dispatch('is_nan', 'strataqc')(expr)) }}
{% endmacro %}

{% macro default__is_nan(expr) %}
  {{ return('coalesce(isnan(' ~ expr ~ '), false)') }}
{% endmacro %}
