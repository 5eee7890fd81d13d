{#- The day `days` before the last one in `column` of `relation`, as 'YYYY-MM-DD' text (none when the
    relation is empty or at parse time). An incremental demo model reads it once and filters on the
    literal: a filter on a subquery's value is not pushed into the scan, so a rebuild of three days
    read the whole history (3.5 s at 30M rows against 0.1 s). -#}
{% macro demo_days_before_last(relation, column, days) %}
  {%- if not execute -%}{{ return(none) }}{%- endif -%}
  {%- set day = dbt.dateadd('day', -(days | int), 'max(' ~ strataqc.quote_identifier(column) ~ ')') -%}
  {%- set found = run_query('select ' ~ strataqc.to_text('cast(' ~ day ~ ' as date)') ~ ' from ' ~ relation)
        .columns[0].values()[0] -%}
  {{ return(none if found is none else (found | string)[:10]) }}
{% endmacro %}
