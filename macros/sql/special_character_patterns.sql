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
