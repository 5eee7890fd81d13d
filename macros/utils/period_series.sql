{#- A set-returning select-list expression: every period from `start_expr` to
    `end_expr` (both DATEs, inclusive), one row each, as DATE; hours as TIMESTAMP. -#}
{% macro period_series(start_expr, end_expr, interval) %}
  {{ return(adapter.dispatch('period_series', 'strataqc')(start_expr, end_expr, interval)) }}
{% endmacro %}

{% macro default__period_series(start_expr, end_expr, interval) %}
  {#- generate_series over dates yields TIMESTAMP in DuckDB: cast back -#}
  {%- set as_type = dbt.type_timestamp() if interval == 'hour' else 'date' -%}
  {{ return('cast(unnest(generate_series(cast(' ~ start_expr ~ ' as ' ~ as_type ~ '), cast(' ~ end_expr ~ ' as ' ~ as_type ~ '), interval 1 ' ~ interval ~ ')) as ' ~ as_type ~ ')') }}
{% endmacro %}

{% macro postgres__period_series(start_expr, end_expr, interval) %}
  {#- PostgreSQL's generate_series is set-returning already (no unnest) and yields timestamps -#}
  {{ return('cast(generate_series(cast(' ~ start_expr ~ ' as timestamp), cast(' ~ end_expr ~ ' as timestamp), interval ' ~ "'1 " ~ interval ~ "'" ~ ') as ' ~ ('timestamp' if interval == 'hour' else 'date') ~ ')') }}
{% endmacro %}

{% macro spark__period_series(start_expr, end_expr, interval) %}
  {#- Spark has no generate_series: explode a sequence of dates -#}
  {{ return('explode(sequence(' ~ start_expr ~ ', ' ~ end_expr ~ ', interval 1 ' ~ interval ~ '))') }}
{% endmacro %}
