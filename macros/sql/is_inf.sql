{#- True when a floating-point expression is +inf or -inf (never true for NULL). -#}
{% macro is_inf(expr) %}
  {{ return(adapter.dispatch('is_inf', 'strataqc')(expr)) }}
{% endmacro %}

{% macro default__is_inf(expr) %}
  {{ return('coalesce(isinf(' ~ expr ~ '), false)') }}
{% endmacro %}
