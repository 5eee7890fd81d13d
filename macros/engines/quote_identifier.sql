{#- Engine overrides of `strataqc.quote_identifier` (default: standard double quotes). -#}

{% macro spark__quote_identifier(name) %}
  {#- Spark quotes identifiers with backticks; a double-quoted name is a string literal there -#}
  {%- set name = name | string -%}
  {%- if name | length > 1 and name[0] in ['"', '`'] and name[-1] == name[0] -%}
    {%- set name = name[1:-1] | replace(name[0] ~ name[0], name[0]) -%}
  {%- endif -%}
  {{ return('`' ~ name | replace('`', '``') ~ '`') }}
{% endmacro %}
