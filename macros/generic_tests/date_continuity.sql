{% test date_continuity(model, date_column=none, group_by=none, interval='day', allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('date_continuity', model, kwargs) -%}
  {{ return(adapter.dispatch('test_date_continuity', 'strataqc')(model, date_column, group_by, interval, allow_empty)) }}
{% endtest %}

{% macro default__test_date_continuity(model, date_column, group_by, interval, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('date_continuity', model) -%}
  {%- set date_column = strataqc.require_name(label, 'date_column', date_column, example='date_day') -%}
  {%- set groups = strataqc.quote_all(strataqc.require_names(label, 'group_by', group_by)) -%}
  {%- set interval = strataqc.require_choice(label, 'interval', interval, ['hour', 'day', 'week', 'month'], 'day') -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set period = strataqc.truncate_period(strataqc.quote_identifier(date_column), interval) -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
  {%- set texts = [] -%}
  {%- for c in groups %}{% do texts.append("coalesce(" ~ strataqc.to_text(c) ~ ", 'NULL')") %}{% endfor -%}
  {%- set where_group = [' in group (' ~ groups | join(', ') | replace('"', '') ~ ') = (', {'text': texts | join(" || ', ' || ")}, ')'] if groups else [] -%}
with present as (
  select distinct {{ g }}{{ period }} as period
  from {{ model }}
  where {{ strataqc.quote_identifier(date_column) }} is not null
),
spans as (
  select {{ g }}min(period) as first_period, max(period) as last_period
  from present
  {% if groups %}group by {{ groups | join(', ') }}{% endif %}
),
calendar as (
  -- one calendar over the whole span; each group keeps the part inside its own span
  select {{ strataqc.period_series('lo', 'hi', interval) }} as period
  from (select min(first_period) as lo, max(last_period) as hi from spans) bounds
  where lo is not null
),
expected as (
  select {% for c in groups %}spans.{{ c }}, {% endfor %}calendar.period
  from spans
  join calendar on calendar.period between spans.first_period and spans.last_period
),
missing as (
  select expected.*
  from expected
  left join present
    on present.period = expected.period
    {% for c in groups %}and {{ strataqc.null_safe_equals('present.' ~ c, 'expected.' ~ c) }}
    {% endfor %}
  where present.period is null
)
select {{ g }}period as missing_period, 1 as occurrences,
  {{ strataqc.sql_message([label] + where_group + [': no row for the ' ~ interval ~ ' starting ', {'text': 'period'}]) }} as message
from missing
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}cast(null as {{ 'date' if interval != 'hour' else dbt.type_timestamp() }}) as missing_period, 0 as occurrences,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no dated rows')) }} as message
from (select count(*) as n from present) counted
where n = 0
{%- endif %}
{% endmacro %}
