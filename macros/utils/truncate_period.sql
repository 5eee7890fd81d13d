{#- Start of the day/week/month holding a DATE or TIMESTAMP, always as a DATE,
    so DATE and TIMESTAMP columns compare period for period; an hour's start is a TIMESTAMP. -#}
{% macro truncate_period(expr, interval) %}
  {{ return(adapter.dispatch('truncate_period', 'strataqc')(expr, interval)) }}
{% endmacro %}

{% macro default__truncate_period(expr, interval) %}
  {%- if interval == 'hour' -%}
    {{ return('cast(' ~ dbt.date_trunc('hour', expr) ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
  {%- endif -%}
  {%- if interval == 'day' -%}
    {{ return('cast(' ~ expr ~ ' as date)') }}
  {%- endif -%}
  {{ return('cast(' ~ dbt.date_trunc(interval, expr) ~ ' as date)') }}
{% endmacro %}
