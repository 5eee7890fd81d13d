{#- Engine overrides of `strataqc.quantile` (default: DuckDB's quantile_cont()). -#}

{% macro postgres__quantile(expr, q) %}
  {#- PostgreSQL has only the ordered-set form -#}
  {{ return('percentile_cont(' ~ q ~ ') within group (order by ' ~ expr ~ ')') }}
{% endmacro %}

{% macro spark__quantile(expr, q) %}
  {#- percentile() is exact and interpolates like quantile_cont; percentile_approx would not -#}
  {{ return('percentile(' ~ expr ~ ', ' ~ q ~ ')') }}
{% endmacro %}
