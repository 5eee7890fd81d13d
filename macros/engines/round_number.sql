{#- Engine overrides of `strataqc.round_number`. -#}

{% macro postgres__round_number(expr, digits) %}
  {#- PostgreSQL has round(numeric, int) but no round(double precision, int); NaN/inf keep as numeric -#}
  {{ return('cast(round(cast(' ~ expr ~ ' as numeric), ' ~ digits ~ ') as double precision)') }}
{% endmacro %}
