{#- Quote one identifier from YAML; embedded quotes are doubled so a name
    can never close the quote and add SQL of its own. -#}
{% macro quote_identifier(name) %}
  {{ return(adapter.dispatch('quote_identifier', 'strataqc')(name)) }}
{% endmacro %}

{% macro default__quote_identifier(name) %}
  {%- set name = name | string -%}
  {#- quote: true columns arrive wrapped in quotes by dbt, whose adapter.quote()
      does not escape an embedded quote: take the inside and escape it, so a
      well-formed quoted name is kept and `"a"b"` becomes "a""b" -#}
  {%- if name | length > 1 and name[0] == '"' and name[-1] == '"' -%}
    {%- set inner = name[1:-1] -%}
    {%- if '"' not in inner | replace('""', '') -%}
      {{ return(name) }}
    {%- endif -%}
    {%- set name = inner -%}
  {%- endif -%}
  {{ return('"' ~ name | replace('"', '""') ~ '"') }}
{% endmacro %}

{% macro spark__quote_identifier(name) %}
  {#- Spark quotes identifiers with backticks; a double-quoted name is a string literal there -#}
  {%- set name = name | string -%}
  {%- if name | length > 1 and name[0] in ['"', '`'] and name[-1] == name[0] -%}
    {%- set name = name[1:-1] | replace(name[0] ~ name[0], name[0]) -%}
  {%- endif -%}
  {{ return('`' ~ name | replace('`', '``') ~ '`') }}
{% endmacro %}
