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
