{#- Calendar parts for the ADS features: dow (0 = Sunday), week (ISO), month. -#}
{% macro demo_date_part(part, expr) %}
  {{ return(adapter.dispatch('demo_date_part', 'strataqc')(part, expr)) }}
{% endmacro %}

{% macro default__demo_date_part(part, expr) %}
  {{ return('extract(' ~ part ~ ' from ' ~ expr ~ ')') }}
{% endmacro %}
