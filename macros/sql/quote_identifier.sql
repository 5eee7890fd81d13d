{#- Quote one identifier from YAML; embedded quotes are doubled so a name
    can never close the quote and add SQL of its own. -#}
{% macro quote_identifier(name) %}
  {{ return(adapter.dispatch('quote_identifier', 'strataqc')(name)) }}
{% endmacro %}

{% macro default__quote_identifier(name) %}
  {%- set name = name | string -%}
  {#- quote: true columns arrive quoted; keep a well-formed one -#}
  {%- if name | length > 1 and name[0] == '"' and name[-1] == '"'
        and '"' not in name[1:-1] | replace('""', '') -%}
    {{ return(name) }}
  {%- endif -%}
  {#- adapter.quote() does not escape an embedded quote -#}
  {{ return('"' ~ name | replace('"', '""') ~ '"') }}
{% endmacro %}
