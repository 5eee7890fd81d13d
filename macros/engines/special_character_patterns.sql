{#- Engine overrides of `strataqc.special_character_patterns` (default: RE2/Java syntax). -#}

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
