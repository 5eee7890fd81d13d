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
stepped as (
  -- each present period beside the next one of its group: a gap lies between two of them. A sort per
  -- group (it spills to disk) where a calendar joined against every group held both sides in memory
  select {{ g }}period,
    lead(period) over ({% if groups %}partition by {{ groups | join(', ') }} {% endif %}order by period) as next_period
  from present
),
gaps as (
  select {{ g }}period as gap_start, next_period as gap_end
  from stepped
  where next_period is not null
    and {{ strataqc.period_diff('period', 'next_period', interval) }} > 1
),
missing as (
  select {{ g }}period
  from (
    select {{ g }}gap_start, gap_end, {{ strataqc.period_series('gap_start', 'gap_end', interval) }} as period
    from gaps
  ) series
  where period > gap_start and period < gap_end
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
