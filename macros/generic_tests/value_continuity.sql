{% test value_continuity(model, value_column=none, date_column=none, group_by=none, max_zero_run=none, max_null_run=none, max_change_ratio=none, interval='day', seasonality=none, allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('value_continuity', model, kwargs) -%}
  {{ return(adapter.dispatch('test_value_continuity', 'strataqc')(model, value_column, date_column, group_by,
      {'max_zero_run': max_zero_run, 'max_null_run': max_null_run, 'max_change_ratio': max_change_ratio},
      interval, seasonality, allow_empty)) }}
{% endtest %}

{% macro default__test_value_continuity(model, value_column, date_column, group_by, limits, interval, seasonality, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('value_continuity', model) -%}
  {%- set value_column = strataqc.require_name(label, 'value_column', value_column, example='units') -%}
  {%- set date_column = strataqc.require_name(label, 'date_column', date_column, example='date_day') -%}
  {%- set groups = strataqc.quote_all(strataqc.require_names(label, 'group_by', group_by)) -%}
  {%- set max_zero_run = strataqc.require_number(label, 'max_zero_run', limits.max_zero_run, minimum=0, integer=true, example='3') -%}
  {%- set max_null_run = strataqc.require_number(label, 'max_null_run', limits.max_null_run, minimum=0, integer=true, example='1') -%}
  {%- set max_change_ratio = strataqc.require_number(label, 'max_change_ratio', limits.max_change_ratio, minimum=0, example='0.5') -%}
  {%- if max_zero_run is none and max_null_run is none and max_change_ratio is none -%}
    {{ strataqc.argument_error(label, 'max_zero_run', 'is missing, and so are `max_null_run` and `max_change_ratio`', 'give at least one, e.g. `max_zero_run: 3`') }}
  {%- endif -%}
  {%- set interval = strataqc.require_choice(label, 'interval', interval, ['day', 'week', 'month'], 'day') -%}
  {%- set seasonality = strataqc.require_choice(label, 'seasonality', seasonality or 'none', ['none', 'weekly']) -%}
  {%- if seasonality == 'weekly' and interval != 'day' -%}
    {{ strataqc.argument_error(label, 'seasonality', 'weekly compares the same weekday, which needs interval: day', 'set `interval: day` or drop seasonality') }}
  {%- endif -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
  {%- set by_group = ('partition by ' ~ groups | join(', ')) if groups else '' -%}
  {%- set null_groups -%}{% for c in groups %}null as {{ c }}, {% endfor %}{%- endset -%}
  {%- set texts = [] -%}
  {%- for c in groups %}{% do texts.append("coalesce(" ~ strataqc.to_text(c) ~ ", 'NULL')") %}{% endfor -%}
  {%- set where_group = [' in group (' ~ groups | join(', ') | replace('"', '') ~ ') = (', {'text': texts | join(" || ', ' || ")}, ')'] if groups else [] -%}
  {%- set vcol = strataqc.quote_identifier(value_column) -%}
  {%- set dcol = strataqc.quote_identifier(date_column) -%}
  {%- set period = strataqc.truncate_period(dcol, interval) -%}
with series as (
  -- one value per group and period: several rows in a period are summed
  select {{ g }}{{ period }} as period, sum({{ vcol }}) as period_value
  from {{ model }}
  where {{ dcol }} is not null
  group by {{ g }}{{ period }}
),
stated as (
  select series.*,
    case when period_value is null then 'null' when period_value = 0 then 'zero' else 'value' end as state
  from series
),
numbered as (
  select stated.*,
    row_number() over ({{ by_group }} order by period) as position,
    row_number() over (partition by {{ g }}state order by period) as state_position
  from stated
),
runs as (
  -- gaps and islands: consecutive periods of one state share position - state_position
  select {{ g }}state, min(period) as run_start, max(period) as run_end, count(*) as run_length
  from numbered
  where state in ('zero', 'null')
  group by {{ g }}state, position - state_position
),
compared as (
  select {{ g }}period, period_value,
    lag(period_value) over (
      partition by {{ g }}{{ ("mod(" ~ strataqc.period_diff("cast('1970-01-05' as date)", 'period', 'day') ~ ", 7)") if seasonality == 'weekly' else '1' }}
      order by period) as baseline_value
  from series
),
jumps as (
  -- the judged period is compared with the one before it (same weekday with weekly seasonality), never with itself
  select compared.*,
    abs({{ strataqc.as_double('period_value') }} - baseline_value) / abs(baseline_value) as observed
  from compared
  where baseline_value is not null and baseline_value <> 0 and period_value is not null
)
{%- set pieces = [] -%}
{%- for state, limit in [('zero', max_zero_run), ('null', max_null_run)] if limit is not none -%}
  {%- set piece -%}
select {{ g }}run_start as period, 'max_{{ state }}_run' as rule, {{ strataqc.as_double('run_length') }} as observed, {{ strataqc.as_double(limit) }} as threshold,
  {{ strataqc.sql_message([label] + where_group + [': ', {'int': 'run_length'}, ' ' ~ interval ~ 's in a row of ' ~ state ~ ' ' ~ value_column ~ ' from ', {'text': 'run_start'}, ' to ', {'text': 'run_end'}, ' (limit ' ~ limit ~ ')']) }} as message
from runs
where state = '{{ state }}' and run_length > {{ limit }}
  {%- endset -%}
  {%- do pieces.append(piece) -%}
{%- endfor -%}
{%- if max_change_ratio is not none -%}
  {%- set piece -%}
select {{ g }}period, 'max_change_ratio' as rule, observed, {{ strataqc.as_double(max_change_ratio) }} as threshold,
  {{ strataqc.sql_message([label] + where_group + [': ' ~ value_column ~ ' ', {'num': 'period_value'}, ' on ', {'text': 'period'}, ' vs ', {'num': 'baseline_value'}, ' before (change ratio ', {'num': 'observed'}, ', limit ' ~ max_change_ratio ~ ')']) }} as message
from jumps
where observed > {{ max_change_ratio }}
union all
select {{ null_groups }}cast(null as date) as period, 'max_change_ratio' as rule, cast(null as {{ strataqc.type_double() }}) as observed, {{ strataqc.as_double(max_change_ratio) }} as threshold,
  {{ strataqc.sql_message([label ~ ': not enough history to judge changes (no period has an earlier ' ~ ('same-weekday ' if seasonality == 'weekly' else '') ~ 'non-zero value)']) }} as message
from (select count(*) as n from jumps) judged
where n = 0 and (select count(period_value) from series) > 0
  {%- endset -%}
  {%- do pieces.append(piece) -%}
{%- endif -%}
{%- if not allow_empty -%}
  {%- set piece -%}
select {{ null_groups }}cast(null as date) as period, 'no_values' as rule, cast(null as {{ strataqc.type_double() }}) as observed, cast(null as {{ strataqc.type_double() }}) as threshold,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no dated row with a non-NULL ' ~ value_column)) }} as message
from (select count(period_value) as n from series) counted
where n = 0
  {%- endset -%}
  {%- do pieces.append(piece) -%}
{%- endif %}
{{ pieces | join('\nunion all\n') }}
{% endmacro %}
