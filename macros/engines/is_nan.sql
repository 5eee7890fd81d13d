{#- Engine overrides of `strataqc.is_nan` (default: DuckDB's isnan()). -#}

{% macro postgres__is_nan(expr) %}
  {#- PostgreSQL has no isnan(); it orders NaN above every number and NaN = NaN is true -#}
  {{ return('coalesce(cast(' ~ expr ~ ' as double precision) = ' ~ "'NaN'::double precision" ~ ', false)') }}
{% endmacro %}

{% macro spark__is_nan(expr) %}
  {#- Spark's isnan() is never NULL (false for NULL), but a non-double argument must be cast -#}
  {{ return('coalesce(isnan(cast(' ~ expr ~ ' as double)), false)') }}
{% endmacro %}
