{#- Any expression as text, for messages and text rules on non-text columns. -#}
{% macro to_text(expr) %}
  {{ return(adapter.dispatch('to_text', 'strataqc')(expr)) }}
{% endmacro %}

{% macro default__to_text(expr) %}
  {{ return('cast(' ~ expr ~ ' as ' ~ dbt.type_string() ~ ')') }}
{% endmacro %}
