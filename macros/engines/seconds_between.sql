{#- Engine overrides of `strataqc.seconds_between` (default: DuckDB's epoch_us()). -#}

{% macro postgres__seconds_between(start_expr, end_expr) %}
  {{ return('extract(epoch from (' ~ end_expr ~ ' - ' ~ start_expr ~ '))') }}
{% endmacro %}

{% macro spark__seconds_between(start_expr, end_expr) %}
  {{ return('((unix_micros(' ~ end_expr ~ ') - unix_micros(' ~ start_expr ~ ')) / 1000000.0)') }}
{% endmacro %}
