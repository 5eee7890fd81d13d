{#- True when a non-NULL text expression converts to the family's type.
    integer uses a pattern: casts round '1.5' to 2 on some engines. -#}
{% macro is_castable(text_expr, family) %}
  {{ return(adapter.dispatch('is_castable', 'strataqc')(text_expr, family)) }}
{% endmacro %}

{% macro default__is_castable(text_expr, family) %}
  {%- if family == 'integer' -%}
    {{ return('coalesce(' ~ strataqc.regex_matches('trim(' ~ text_expr ~ ')', strataqc.string_literal('^[+-]?[0-9]+$')) ~ ', false)') }}
  {%- endif -%}
  {{ return('(' ~ strataqc.try_cast(text_expr, strataqc.cast_type(family)) ~ ' is not null)') }}
{% endmacro %}

{% macro postgres__is_castable(text_expr, family) %}
  {#- PostgreSQL's try_cast is a PL/pgSQL function running one EXECUTE per value: costly on every
      row of a big table. A value of the plainest shape (a decimal number of bounded size; a date
      in years 1000-9999 whose day exists in every month) is castable by its pattern alone; only
      the others reach the function. -#}
  {%- set plain = {
      'number': '^[[:space:]]*[+-]?([0-9]{1,15}([.][0-9]{0,15})?|[.][0-9]{1,15})([eE][+-]?[0-9]{1,2})?[[:space:]]*$',
      'date': '^[[:space:]]*[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])[[:space:]]*$',
  } -%}
  {%- if family in plain -%}
    {{ return('(case when ' ~ text_expr ~ ' ~ ' ~ strataqc.string_literal(plain[family])
              ~ ' then true else ' ~ strataqc.default__is_castable(text_expr, family) ~ ' end)') }}
  {%- endif -%}
  {{ return(strataqc.default__is_castable(text_expr, family)) }}
{% endmacro %}
