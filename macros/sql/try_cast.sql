{#- Cast that yields NULL instead of failing on a value that does not convert. -#}
{% macro try_cast(expr, sql_type) %}
  {{ return(adapter.dispatch('try_cast', 'strataqc')(expr, sql_type)) }}
{% endmacro %}

{% macro default__try_cast(expr, sql_type) %}
  {{ return('try_cast(' ~ expr ~ ' as ' ~ sql_type ~ ')') }}
{% endmacro %}
