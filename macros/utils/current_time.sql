{#- "Now" for freshness: var `strataqc_as_of` (a timestamp text) pins it, so a
    replayed night judges recency against the night it replays. -#}
{% macro current_time() %}
  {{ return(adapter.dispatch('current_time', 'strataqc')()) }}
{% endmacro %}

{% macro default__current_time() %}
  {%- set as_of = var('strataqc_as_of', none) -%}
  {%- if as_of -%}
    {{ return('cast(' ~ strataqc.string_literal(as_of) ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
  {%- endif -%}
  {{ return('cast(' ~ dbt.current_timestamp() ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
{% endmacro %}
