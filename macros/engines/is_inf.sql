{#- Engine overrides of `strataqc.is_inf` (default: DuckDB's isinf()). -#}

{% macro postgres__is_inf(expr) %}
  {#- PostgreSQL has no isinf(); infinity is the literal 'Infinity' of double precision -#}
  {{ return('coalesce(abs(cast(' ~ expr ~ ' as double precision)) = ' ~ "'Infinity'::double precision" ~ ', false)') }}
{% endmacro %}

{% macro spark__is_inf(expr) %}
  {#- Spark has no isinf(); infinity is cast('Infinity' as double) -#}
  {{ return('coalesce(abs(cast(' ~ expr ~ ' as double)) = ' ~ "cast('Infinity' as double)" ~ ', false)') }}
{% endmacro %}
