{#- Engine overrides of `strataqc.type_double` (default: `double`). -#}

{% macro postgres__type_double() %}
  {#- PostgreSQL spells the 8-byte float `double precision`; a bare `double` is no type there -#}
  {{ return('double precision') }}
{% endmacro %}
