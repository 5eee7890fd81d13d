{#- Engine overrides of `strataqc.regex_matches` (default: DuckDB's regexp_matches()). -#}

{% macro postgres__regex_matches(expr, pattern) %}
  {#- PostgreSQL matches with the ~ operator; regexp_matches() there returns rows, not a boolean -#}
  {{ return('(' ~ expr ~ ' ~ ' ~ pattern ~ ')') }}
{% endmacro %}

{% macro spark__regex_matches(expr, pattern) %}
  {#- Spark's boolean regex match is rlike (Java regex); it has no regexp_matches() -#}
  {{ return('(' ~ expr ~ ' rlike ' ~ pattern ~ ')') }}
{% endmacro %}
