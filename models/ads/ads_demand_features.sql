{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='date_day',
    on_schema_change='fail',
    strataqc_scope_lookback=strataqc.demo_rebuild_days(),
    post_hook="{{ strataqc.demo_relabel_train(this) }}"
) }}
{#- What a run can change in the days already built: the target and the forward-looking centred mean
    (7 days ahead) of the days before the ones DWS rebuilds (var strataqc_reprocess_days), and the
    split of the days that leave the valid window. An incremental run rebuilds the former
    (`demo_rebuild_days`, reading 28 more days for lags and rolling means) and relabels the latter
    (the post-hook `demo_relabel_train`), so it gives what a full refresh gives. -#}
{%- set rebuild_days = strataqc.demo_rebuild_days() -%}
{%- set history_days = 28 -%}
{%- set rebuild_from, read_from = none, none -%}
{%- if is_incremental() -%}
    {#- literals, not subqueries: the scan of DWS skips the older blocks only for a constant -#}
    {%- set found = strataqc.demo_days_before_last(this, 'date_day', rebuild_days) -%}
    {%- if found is not none -%}
        {%- set first_read = modules.datetime.date.fromisoformat(found)
              - modules.datetime.timedelta(days=history_days) -%}
        {%- set rebuild_from = 'cast(' ~ strataqc.string_literal(found) ~ ' as date)' -%}
        {%- set read_from = 'cast(' ~ strataqc.string_literal(first_read.isoformat()) ~ ' as date)' -%}
    {%- endif -%}
{%- endif %}
-- The demand-forecasting feature set: one row per store × SKU × day with lags, rolling means,
-- calendar features, category and region, the target units_next_7d and a time-based split.
-- units_mean_14d_centered is a planted leak: a centred smoothing window that reaches 7 days ahead,
-- i.e. over the whole target period (the checks must flag it).
with bounds as (
    select max(date_day) as last_day
    from {{ ref('dws_sales_daily') }}
),

daily as (
    select daily.*
    from {{ ref('dws_sales_daily') }} as daily
    {%- if rebuild_from is not none %}
    -- the rebuilt days (after rebuild_from) and the days their lags and rolling means read
    where daily.date_day > {{ read_from }}
    {%- endif %}
),

{#- spelled out in each OVER: Spark cannot add a frame to a named window -#}
{%- set series = 'partition by daily.store_id, daily.sku_id order by daily.date_day' %}
windows as (
    select
        daily.store_id,
        daily.sku_id,
        daily.date_day,
        daily.unit_price,
        daily.is_promo,
        lag(daily.units, 1) over ({{ series }}) as units_lag_1,
        lag(daily.units, 7) over ({{ series }}) as units_lag_7,
        lag(daily.units, 14) over ({{ series }}) as units_lag_14,
        lag(daily.units, 28) over ({{ series }}) as units_lag_28,
        -- avg of integers is numeric on PostgreSQL: a double on every engine
        cast(avg(daily.units) over ({{ series }} rows between 6 preceding and current row) as {{ strataqc.type_double() }}) as units_mean_7d,
        cast(avg(daily.units) over ({{ series }} rows between 27 preceding and current row) as {{ strataqc.type_double() }}) as units_mean_28d,
        cast(avg(daily.units) over ({{ series }} rows between 6 preceding and 7 following) as {{ strataqc.type_double() }}) as units_mean_14d_centered,
        cast(sum(daily.units) over ({{ series }} rows between 1 following and 7 following) as bigint) as units_following_7d
    from daily
),

features as (
    select
        windows.store_id,
        windows.sku_id,
        windows.date_day,
        {{ strataqc.demo_date_part('dow', 'windows.date_day') }} as day_of_week,
        {{ strataqc.demo_date_part('week', 'windows.date_day') }} as week_of_year,
        {{ strataqc.demo_date_part('month', 'windows.date_day') }} as month,
        case when {{ strataqc.demo_date_part('dow', 'windows.date_day') }} in (0, 6) then 1 else 0 end as is_weekend,
        sku.category,
        store.region,
        store.store_size_m2,
        windows.unit_price,
        windows.is_promo,
        windows.units_lag_1,
        windows.units_lag_7,
        windows.units_lag_14,
        windows.units_lag_28,
        windows.units_mean_7d,
        windows.units_mean_28d,
        windows.units_mean_14d_centered,
        -- the next 7 days are known only up to 7 days before the last landed day
        case
            when windows.date_day <= {{ dbt.dateadd('day', -7, 'bounds.last_day') }} then windows.units_following_7d
        end as units_next_7d,
        case
            when windows.date_day > {{ dbt.dateadd('day', -7, 'bounds.last_day') }} then 'predict'
            when windows.date_day > {{ dbt.dateadd('day', -21, 'bounds.last_day') }} then 'valid'
            else 'train'
        end as dataset_split
    from windows
    cross join bounds
    left join {{ ref('dwd_sku') }} as sku on sku.sku_id = windows.sku_id
    left join {{ ref('dwd_store') }} as store on store.store_id = windows.store_id
    {%- if rebuild_from is not none %}
    where windows.date_day > {{ rebuild_from }}
    {%- endif %}
)

select * from features
-- clustered by day: a night deletes, rewrites and reads its last days in the last blocks only
order by date_day
