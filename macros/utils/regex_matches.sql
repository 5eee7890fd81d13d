{#- True when `pattern` (a rendered string literal) matches anywhere in a text expression. -#}
{% macro regex_matches(expr, pattern) %}
  {{ return(adapter.dispatch('regex_matches', 'strataqc')(expr, pattern)) }}
{% endmacro %}

{% macro default__regex_matches(expr, pattern) %}
  {{ return('regexp_matches(' ~ expr ~ ', ' ~ pattern ~ ')') }}
{% endmacro %}

{% macro postgres__regex_matches(expr, pattern) %}
  {#- PostgreSQL matches with the ~ operator; regexp_matches() there returns rows, not a boolean -#}
  {{ return('(' ~ expr ~ ' ~ ' ~ pattern ~ ')') }}
{% endmacro %}

{% macro spark__regex_matches(expr, pattern) %}
  {#- Spark's boolean regex match is rlike (Java regex); it has no regexp_matches() -#}
  {{ return('(' ~ expr ~ ' rlike ' ~ pattern ~ ')') }}
{% endmacro %}
