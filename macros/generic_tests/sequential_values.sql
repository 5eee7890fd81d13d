{% test sequential_values(model, column_name, interval=1, datepart=none, group_by=none, allow_empty=false) %}
  {{ return(adapter.dispatch('test_sequential_values', 'strataqc')(model, column_name, interval, datepart, group_by, allow_empty)) }}
{% endtest %}

{% macro default__test_sequential_values(model, column_name, interval, datepart, group_by, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('sequential_values', model, column_name) -%}
  {%- set interval = strataqc.require_number(label, 'interval', interval, integer=datepart is not none, example='1') -%}
  {%- set interval = 1 if interval is none else interval -%}
  {%- if datepart is not none -%}
    {%- set datepart = strataqc.require_choice(label, 'datepart', datepart, ['day', 'week', 'month', 'year']) -%}
  {%- endif -%}
  {%- set names = strataqc.require_names(label, 'group_by', group_by) -%}
  {%- set groups = strataqc.quote_all(names) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- if datepart is none and family in ['date', 'timestamp'] -%}
    {{ strataqc.argument_error(label, 'datepart', 'is missing for this ' ~ family ~ ' column', 'add `datepart: day` (day, week, month, year)') }}
  {%- endif -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
  {%- set expected = dbt.dateadd(datepart, interval, 'previous_value') if datepart is not none else '(previous_value + ' ~ interval ~ ')' -%}
  {#- date + interval is a timestamp on most engines: back to a date, so 2024-03-03 reads as one -#}
  {%- set expected = 'cast(' ~ expected ~ ' as date)' if family == 'date' else expected -%}
with ordered as (
  -- NULLs have no place in a sequence: they are left out, not reported
  select {{ g }}{{ col }} as this_value,
    lag({{ col }}) over ({% if groups %}partition by {{ groups | join(', ') }} {% endif %}order by {{ col }}) as previous_value
  from {{ model }}
  where {{ col }} is not null
),
judged as (
  select ordered.*, {{ expected }} as expected_value from ordered
)
select {{ g }}previous_value, this_value, expected_value,
  {{ strataqc.sql_message([label] + strataqc.group_message_parts(names, groups) + [': ', {'text': 'this_value'}, ' follows ', {'text': 'previous_value'}, ', expected ', {'text': 'expected_value'}]) }} as message
from judged
where previous_value is not null and this_value <> expected_value
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}null as previous_value, null as this_value, null as expected_value,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }} as message
from (select count(*) as n from ordered) totals
where n = 0
{%- endif %}
{% endmacro %}
