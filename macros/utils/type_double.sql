{#- Name of the 8-byte floating-point type, for observed values and casts. -#}
{% macro type_double() %}
  {{ return(adapter.dispatch('type_double', 'strataqc')()) }}
{% endmacro %}

{% macro default__type_double() %}
  {{ return('double') }}
{% endmacro %}

{% macro postgres__type_double() %}
  {#- PostgreSQL spells the 8-byte float `double precision`; a bare `double` is no type there -#}
  {{ return('double precision') }}
{% endmacro %}
