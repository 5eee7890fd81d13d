{#- True when `pattern` (a rendered string literal) matches anywhere in a text expression. -#}
{% macro regex_matches(expr, pattern) %}
  {{ return(adapter.dispatch('regex_matches', 'strataqc')(expr, pattern)) }}
{% endmacro %}

{% macro default__regex_matches(expr, pattern) %}
  {{ return('regexp_matches(' ~ expr ~ ', ' ~ pattern ~ ')') }}
{% endmacro %}
