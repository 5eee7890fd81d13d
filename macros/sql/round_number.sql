{#- A floating-point expression rounded to `digits` decimals, for messages.
    PostgreSQL has round(numeric, int) but no round(double precision, int). -#}
{% macro round_number(expr, digits) %}
  {{ return(adapter.dispatch('round_number', 'strataqc')(expr, digits)) }}
{% endmacro %}

{% macro default__round_number(expr, digits) %}
  {{ return('round(cast(' ~ expr ~ ' as ' ~ strataqc.type_double() ~ '), ' ~ digits ~ ')') }}
{% endmacro %}
