{#- Regex per character class `special_characters` rejects, in the order a
    value is classified. RE2/Java syntax; an engine with another regex
    dialect overrides this map only. -#}
{% macro special_character_patterns() %}
  {{ return(adapter.dispatch('special_character_patterns', 'strataqc')()) }}
{% endmacro %}

{% macro default__special_character_patterns() %}
  {{ return({
    'control': '[\\x00-\\x1F\\x7F-\\x9F]',
    'nbsp': '[\\x{A0}\\x{2007}\\x{202F}]',
    'zero_width': '[\\x{200B}-\\x{200D}\\x{2060}\\x{FEFF}]',
    'replacement_character': '\\x{FFFD}',
    'edge_blank': '^\\s|\\s$',
  }) }}
{% endmacro %}

{% macro postgres__special_character_patterns() %}
  {#- PostgreSQL's regex (Tcl ARE) writes code points as \uXXXX, not \x{...}, and text holds no NUL -#}
  {{ return({
    'control': '[\\x01-\\x1F\\x7F-\\x9F]',
    'nbsp': '[\\u00A0\\u2007\\u202F]',
    'zero_width': '[\\u200B-\\u200D\\u2060\\uFEFF]',
    'replacement_character': '\\uFFFD',
    'edge_blank': '^\\s|\\s$',
  }) }}
{% endmacro %}
