{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='date_day',
    on_schema_change='fail',
    strataqc_scope_lookback=var('strataqc_reprocess_days', 2) | int + 1
) }}
{#- An incremental run rebuilds the days after the last one built, minus a small overlap
    (var strataqc_reprocess_days) so a late line for yesterday is still counted. -#}
{%- set overlap = var('strataqc_reprocess_days', 2) | int -%}
{%- set from_day, day_before = none, none -%}
{%- if is_incremental() -%}
    {#- the first day rebuilt, as a literal the scans can skip older blocks by -#}
    {%- set found = strataqc.demo_days_before_last(this, 'date_day', overlap) -%}
    {%- if found is not none -%}
        {%- set before = modules.datetime.date.fromisoformat(found) - modules.datetime.timedelta(days=1) -%}
        {%- set from_day = 'cast(' ~ strataqc.string_literal(found) ~ ' as date)' -%}
        {%- set day_before = 'cast(' ~ strataqc.string_literal(before.isoformat()) ~ ' as date)' -%}
    {%- endif -%}
{%- endif %}
-- Store × SKU × day on a complete date spine: every series runs from its first sale to the
-- last day landed; a day without a clean line is zero-filled and flagged is_filled.
with sales as (
    select * from {{ ref('dwd_sales') }}
),

{% if from_day is not none -%}
-- an incremental run reads only the sales it rebuilds: every series older than the rebuilt days is on
-- the spine the day before them (a series runs to the last day landed), and DWD rejects a line older
-- than the overlap, so a series that first sells inside the rebuilt days does so in these sales
series as (
    select store_id, sku_id, min(first_day) as first_day
    from (
        select built.store_id, built.sku_id, built.date_day as first_day
        from {{ this }} as built
        where built.date_day = {{ day_before }}
        union all
        select store_id, sku_id, min(sale_date) as first_day
        from sales
        where sale_date >= {{ from_day }}
        group by store_id, sku_id
    ) as known
    group by store_id, sku_id
),

bounds as (
    select {{ from_day }} as from_day, max(sale_date) as last_day
    from sales
    where sale_date >= {{ from_day }}
),
{%- else -%}
series as (
    select store_id, sku_id, min(sale_date) as first_day, max(sale_date) as last_day
    from sales
    group by store_id, sku_id
),

-- from the series, not another scan of the sales: the first and last day over all series
bounds as (
    select min(first_day) as from_day, max(last_day) as last_day
    from series
),
{%- endif %}

days as (
    select {{ strataqc.period_series('from_day', 'last_day', 'day') }} as date_day
    from bounds
    where from_day <= last_day
),

spine as (
    select series.store_id, series.sku_id, days.date_day
    from series
    inner join days on days.date_day >= series.first_day
),

-- a day the business calendar closes every store (no store_id) or this one
closing_days as (
    select distinct spine.store_id, spine.date_day
    from spine
    inner join {{ ref('business_calendar') }} as calendar
        on calendar.calendar_day = spine.date_day
        and (calendar.store_id is null or calendar.store_id = spine.store_id)
),

daily as (
    select
        store_id,
        sku_id,
        sale_date as date_day,
        cast(sum(units) as bigint) as units,
        sum(sales_amount) as sales_amount,
        avg(unit_price) as unit_price,
        max(is_promo) as is_promo,
        cast(count(*) as integer) as line_count
    from sales
    where sale_date >= {{ from_day if from_day is not none else '(select from_day from bounds)' }}
    group by store_id, sku_id, sale_date
)

select
    spine.store_id,
    spine.sku_id,
    spine.date_day,
    coalesce(daily.units, 0) as units,
    coalesce(daily.sales_amount, 0) as sales_amount,
    daily.unit_price,
    coalesce(daily.is_promo, 0) as is_promo,
    coalesce(daily.line_count, 0) as line_count,
    daily.store_id is null as is_filled,
    closing_days.date_day is not null as is_closing_day
from spine
left join daily
    on daily.store_id = spine.store_id
    and daily.sku_id = spine.sku_id
    and daily.date_day = spine.date_day
left join closing_days
    on closing_days.store_id = spine.store_id
    and closing_days.date_day = spine.date_day

-- clustered by day: a night deletes, rewrites and reads its last days in the last blocks only
order by date_day
