{#- True when a floating-point expression is +inf or -inf (never true for NULL). -#}
{% macro is_inf(expr) %}
  {{ return(adapter.dispatch('is_inf', 'strataqc')(expr)) }}
{% endmacro %}

{% macro default__is_inf(expr) %}
  {{ return('coalesce(isinf(' ~ expr ~ '), false)') }}
{% endmacro %}

{% macro postgres__is_inf(expr) %}
  {#- PostgreSQL has no isinf(); infinity is the literal 'Infinity' of double precision -#}
  {{ return('coalesce(abs(cast(' ~ expr ~ ' as double precision)) = ' ~ "'Infinity'::double precision" ~ ', false)') }}
{% endmacro %}

{% macro spark__is_inf(expr) %}
  {#- Spark has no isinf(); infinity is cast('Infinity' as double) -#}
  {{ return('coalesce(abs(cast(' ~ expr ~ ' as double)) = ' ~ "cast('Infinity' as double)" ~ ', false)') }}
{% endmacro %}
