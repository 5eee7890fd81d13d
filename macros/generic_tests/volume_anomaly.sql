{% test volume_anomaly(model, date_column=none, lookback=28, max_z=3, interval='day', seasonality=none, min_history=none, allow_empty=false, min_change=none) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('volume_anomaly', model, kwargs) -%}
  {{ return(adapter.dispatch('test_volume_anomaly', 'strataqc')(model, date_column, lookback, max_z, interval, seasonality, min_history, allow_empty, min_change)) }}
{% endtest %}

{% macro default__test_volume_anomaly(model, date_column, lookback, max_z, interval, seasonality, min_history, allow_empty, min_change=none) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('volume_anomaly', model) -%}
  {%- set date_column = strataqc.require_name(label, 'date_column', date_column, example='date_day') -%}
  {%- set lookback = strataqc.require_number(label, 'lookback', lookback, minimum=1, integer=true, example='28') or 28 -%}
  {%- set max_z = strataqc.require_number(label, 'max_z', max_z, minimum=0, example='3') -%}
  {%- set max_z = 3 if max_z is none else max_z -%}
  {%- set interval = strataqc.require_choice(label, 'interval', interval, ['day', 'week', 'month'], 'day') -%}
  {%- set seasonality = strataqc.require_choice(label, 'seasonality', seasonality or 'none', ['none', 'weekly']) -%}
  {%- if seasonality == 'weekly' and interval != 'day' -%}
    {{ strataqc.argument_error(label, 'seasonality', 'weekly compares the same weekday, which needs interval: day', 'set `interval: day` or drop seasonality') }}
  {%- endif -%}
  {%- set min_history = strataqc.require_number(label, 'min_history', min_history, minimum=1, integer=true, example='7')
        or (3 if seasonality == 'weekly' else 7) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {#- a near-constant history makes any change many z: a real effect must also move the count this share -#}
  {%- set min_change = strataqc.require_number(label, 'min_change', min_change, minimum=0, example='0.1') or 0 -%}
  {%- set dcol = strataqc.quote_identifier(date_column) -%}
with per_period as (
  select {{ strataqc.truncate_period(dcol, interval) }} as period, count(*) as row_count
  from {{ model }}
  where {{ dcol }} is not null
  group by {{ strataqc.truncate_period(dcol, interval) }}
),
span as (
  select min(period) as first_period, max(period) as latest_period from per_period
),
calendar as (
  -- a period without rows is a count of zero, not a gap in the history
  select {{ strataqc.period_series('first_period', 'latest_period', interval) }} as period
  from span
  where latest_period is not null
),
history as (
  -- the judged (latest) period is never part of its own baseline
  select calendar.period, coalesce(per_period.row_count, 0) as row_count
  from calendar
  cross join span
  left join per_period on per_period.period = calendar.period
  where {{ strataqc.period_diff('calendar.period', 'span.latest_period', interval) }} between 1 and {{ lookback }}
  {%- if seasonality == 'weekly' %}
    -- weekly seasonality: only the same weekday as the judged day
    and {{ strataqc.period_diff('calendar.period', 'span.latest_period', 'day') }} % 7 = 0
  {%- endif %}
),
center as (
  select count(*) as history_points, {{ strataqc.median('row_count') }} as baseline_median from history
),
spread as (
  select {{ strataqc.median('abs(history.row_count - center.baseline_median)') }} as mad,
    avg(abs(history.row_count - center.baseline_median)) as mean_abs_dev
  from history cross join center
),
judged as (
  select span.latest_period,
    coalesce(latest.row_count, 0) as latest_count,
    center.history_points, center.baseline_median,
    -- MAD is 0 when over half the history is one value: fall back to the mean absolute deviation
    case when spread.mad > 0 then 1.4826 * spread.mad
         when spread.mean_abs_dev > 0 then 1.2533 * spread.mean_abs_dev end as scale
  from span
  cross join center
  cross join spread
  left join per_period latest on latest.period = span.latest_period
),
scored as (
  -- too little history gives no z-score at all, not a shaky one
  select judged.*,
    case when history_points >= {{ min_history }}
      then {{ strataqc.as_double('(latest_count - baseline_median)') }} / scale end as observed
  from judged
)
select latest_period, latest_count, history_points, baseline_median, observed, {{ strataqc.as_double(max_z) }} as threshold,
  case
    when latest_period is null
      then {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no dated rows')) }}
    when history_points < {{ min_history }}
      then {{ strataqc.sql_message([label ~ ': not enough history to judge ', {'text': 'latest_period'}, ' (', {'int': 'history_points'}, ' earlier ' ~ ('same-weekday ' if seasonality == 'weekly' else '') ~ interval ~ 's, need ' ~ min_history ~ ')']) }}
    when scale is null
      then {{ strataqc.sql_message([label ~ ': ', {'text': 'latest_period'}, ' has ', {'int': 'latest_count'}, ' rows; every earlier ' ~ interval ~ ' had ', {'num': 'baseline_median'}]) }}
    else {{ strataqc.sql_message([label ~ ': ', {'text': 'latest_period'}, ' has ', {'int': 'latest_count'}, ' rows vs median ', {'num': 'baseline_median'}, ' (robust z ', {'num': 'observed'}, ', limit ' ~ max_z ~ ')']) }}
  end as message
from scored
where (latest_period is not null and history_points < {{ min_history }})
   or (latest_period is not null and scale is null
       and abs(latest_count - baseline_median) > {{ strataqc.as_double(min_change) }} * baseline_median
       and latest_count <> baseline_median)
   -- strict: |z| equal to max_z passes
   or (abs(observed) > {{ max_z }}
       and abs(latest_count - baseline_median) > {{ strataqc.as_double(min_change) }} * baseline_median)
{%- if not allow_empty %}
   or latest_period is null
{%- endif %}
{% endmacro %}
