{#- Calendar parts for the ADS features: dow (0 = Sunday), week (ISO), month. -#}
{% macro demo_date_part(part, expr) %}
  {{ return(adapter.dispatch('demo_date_part', 'strataqc')(part, expr)) }}
{% endmacro %}

{% macro default__demo_date_part(part, expr) %}
  {{ return('extract(' ~ part ~ ' from ' ~ expr ~ ')') }}
{% endmacro %}

{% macro spark__demo_date_part(part, expr) %}
  {#- Spark's extract(dow) counts Sunday as 1, not 0; weekofyear() is the ISO week -#}
  {%- if part == 'dow' -%}
    {{ return('(dayofweek(' ~ expr ~ ') - 1)') }}
  {%- elif part == 'week' -%}
    {{ return('weekofyear(' ~ expr ~ ')') }}
  {%- endif -%}
  {{ return('extract(' ~ part ~ ' from ' ~ expr ~ ')') }}
{% endmacro %}

{% macro postgres__demo_date_part(part, expr) %}
  {#- PostgreSQL's extract() returns numeric (14+): the features are integers on every engine -#}
  {{ return('cast(extract(' ~ part ~ ' from ' ~ expr ~ ') as integer)') }}
{% endmacro %}
