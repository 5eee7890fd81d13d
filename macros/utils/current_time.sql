{#- "Now" for freshness: var `strataqc_as_of` (a timestamp text) pins it, so a
    replayed night judges recency against the night it replays; else STRATAQC_NOW (the clock of
    `qc-report simulate` and replays, python/strataqc/clock.py), else the engine's clock. -#}
{% macro current_time() %}
  {{ return(adapter.dispatch('current_time', 'strataqc')()) }}
{% endmacro %}

{% macro default__current_time() %}
  {%- set as_of = var('strataqc_as_of', none) -%}
  {%- if not as_of and env_var('STRATAQC_NOW', '') | trim -%}
    {#- 2026-04-01T03:00:00Z as a literal every engine casts alike: no 'T', no zone (the clock is UTC) -#}
    {%- set as_of = (env_var('STRATAQC_NOW') | trim | replace('T', ' ') | replace('Z', '')).split('+')[0] -%}
  {%- endif -%}
  {%- if as_of -%}
    {{ return('cast(' ~ strataqc.string_literal(as_of) ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
  {%- endif -%}
  {{ return('cast(' ~ dbt.current_timestamp() ~ ' as ' ~ dbt.type_timestamp() ~ ')') }}
{% endmacro %}
