{#- Engine overrides of `strataqc.period_series` (default: DuckDB's unnest(generate_series())). -#}

{% macro postgres__period_series(start_expr, end_expr, interval) %}
  {#- PostgreSQL's generate_series is set-returning already (no unnest) and yields timestamps -#}
  {{ return('cast(generate_series(cast(' ~ start_expr ~ ' as timestamp), cast(' ~ end_expr ~ ' as timestamp), interval ' ~ "'1 " ~ interval ~ "'" ~ ') as ' ~ ('timestamp' if interval == 'hour' else 'date') ~ ')') }}
{% endmacro %}

{% macro spark__period_series(start_expr, end_expr, interval) %}
  {#- Spark has no generate_series: explode a sequence of dates -#}
  {{ return('explode(sequence(' ~ start_expr ~ ', ' ~ end_expr ~ ', interval 1 ' ~ interval ~ '))') }}
{% endmacro %}
