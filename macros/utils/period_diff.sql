{#- Whole periods from `start_expr` to `end_expr` (DATEs), e.g. 7 days. -#}
{% macro period_diff(start_expr, end_expr, interval) %}
  {{ return(adapter.dispatch('period_diff', 'strataqc')(start_expr, end_expr, interval)) }}
{% endmacro %}

{% macro default__period_diff(start_expr, end_expr, interval) %}
  {{ return(dbt.datediff(start_expr, end_expr, interval)) }}
{% endmacro %}
