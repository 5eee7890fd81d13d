{#- Engine overrides of `strataqc.string_literal` (default: standard SQL, quote doubled). -#}

{% macro spark__string_literal(value) %}
  {#- Spark string literals treat backslash as an escape: escape it and the quote with one -#}
  {{ return("'" ~ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") ~ "'") }}
{% endmacro %}
