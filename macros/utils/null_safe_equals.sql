{#- Equality where NULL equals NULL (group keys joined across two models). -#}
{% macro null_safe_equals(left, right) %}
  {{ return(adapter.dispatch('null_safe_equals', 'strataqc')(left, right)) }}
{% endmacro %}

{% macro default__null_safe_equals(left, right) %}
  {{ return(left ~ ' is not distinct from ' ~ right) }}
{% endmacro %}
