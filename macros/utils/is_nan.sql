{#- True when a floating-point expression is NaN (never true for NULL). -#}
{% macro is_nan(expr) %}
  {{ return(adapter.dispatch('is_nan', 'strataqc')(expr)) }}
{% endmacro %}

{% macro default__is_nan(expr) %}
  {#- DuckDB folds isnan(x) and x = 'NaN' to false from a Parquet file's min/max statistics,
      which leave NaN out (duckdb#25521); neither finite nor infinite is NaN, and is not folded -#}
  {{ return('coalesce(not isfinite(' ~ expr ~ ') and not isinf(' ~ expr ~ '), false)') }}
{% endmacro %}

{% macro postgres__is_nan(expr) %}
  {#- PostgreSQL has no isnan(); it orders NaN above every number and NaN = NaN is true -#}
  {{ return('coalesce(cast(' ~ expr ~ ' as double precision) = ' ~ "'NaN'::double precision" ~ ', false)') }}
{% endmacro %}

{% macro spark__is_nan(expr) %}
  {#- Spark's isnan() is never NULL (false for NULL), but a non-double argument must be cast -#}
  {{ return('coalesce(isnan(cast(' ~ expr ~ ' as double)), false)') }}
{% endmacro %}
