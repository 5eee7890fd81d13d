{#- A set-returning select-list expression: every period from `start_expr` to
    `end_expr` (both DATEs, inclusive), one row each, as DATE. -#}
{% macro period_series(start_expr, end_expr, interval) %}
  {{ return(adapter.dispatch('period_series', 'strataqc')(start_expr, end_expr, interval)) }}
{% endmacro %}

{% macro default__period_series(start_expr, end_expr, interval) %}
  {#- generate_series over dates yields TIMESTAMP in DuckDB: cast back -#}
  {{ return('cast(unnest(generate_series(' ~ start_expr ~ ', ' ~ end_expr ~ ', interval 1 ' ~ interval ~ ')) as date)') }}
{% endmacro %}
