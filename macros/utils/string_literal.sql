{#- Render any YAML value as a SQL string literal; the only way values reach SQL text. -#}
{% macro string_literal(value) %}
  {{ return(adapter.dispatch('string_literal', 'strataqc')(value)) }}
{% endmacro %}

{% macro default__string_literal(value) %}
  {#- standard SQL: a quote is escaped by doubling it; backslashes are plain characters -#}
  {{ return("'" ~ (value | string) | replace("'", "''") ~ "'") }}
{% endmacro %}

{% macro spark__string_literal(value) %}
  {#- Spark string literals treat backslash as an escape: escape it and the quote with one -#}
  {{ return("'" ~ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") ~ "'") }}
{% endmacro %}
