{#- A floating-point expression rounded to `digits` decimals, for messages.
    PostgreSQL has round(numeric, int) but no round(double precision, int). -#}
{% macro round_number(expr, digits) %}
  {{ return(adapter.dispatch('round_number', 'strataqc')(expr, digits)) }}
{% endmacro %}

{% macro default__round_number(expr, digits) %}
  {{ return('round(cast(' ~ expr ~ ' as ' ~ strataqc.type_double() ~ '), ' ~ digits ~ ')') }}
{% endmacro %}

{% macro postgres__round_number(expr, digits) %}
  {#- PostgreSQL has round(numeric, int) but no round(double precision, int); NaN/inf keep as numeric -#}
  {{ return('cast(round(cast(' ~ expr ~ ' as numeric), ' ~ digits ~ ') as double precision)') }}
{% endmacro %}
