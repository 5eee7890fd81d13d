{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='week_start',
    on_schema_change='fail',
    strataqc_scope_lookback=var('strataqc_reprocess_days', 2) | int + 14
) }}
{#- An incremental run rebuilds the weeks that hold a day dws_sales_daily may have rewritten: its
    overlap (var strataqc_reprocess_days) reaches back from the last day built, so the weeks from
    the one holding (last week built − overlap − 7 days) on are summed again, whole. The scope
    lookback (overlap + 14 days) reaches the first rebuilt week's start. -#}
{%- set overlap = var('strataqc_reprocess_days', 2) | int -%}
{%- set rebuild_from = none -%}
{%- if is_incremental() -%}
    {#- a literal, not a subquery: the scan of the daily spine skips its older blocks only for a
        constant (a subquery read all of it, 30M rows a night); an empty table reads it all -#}
    {%- set found = strataqc.demo_days_before_last(this, 'week_start', overlap + 7) -%}
    {%- if found is not none -%}
        {%- set rebuild_from = dbt.date_trunc('week', 'cast(' ~ strataqc.string_literal(found) ~ ' as date)') -%}
    {%- endif -%}
{%- endif %}
-- Store × SKU × week (weeks start on Monday), summed from the daily spine
with daily as (
    select * from {{ ref('dws_sales_daily') }}
    {%- if rebuild_from is not none %}
    -- the weeks rebuilt from the one holding (last week built - overlap - 7 days)
    where date_day >= cast({{ rebuild_from }} as date)
    {%- endif %}
)

select
    store_id,
    sku_id,
    cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
    cast(sum(units) as bigint) as units,
    sum(sales_amount) as sales_amount,
    avg(unit_price) as avg_unit_price,
    cast(sum(is_promo) as integer) as promo_days,
    cast(count(*) as integer) as days,
    cast(sum(case when is_filled then 1 else 0 end) as integer) as filled_days
from daily
group by store_id, sku_id, cast({{ dbt.date_trunc('week', 'date_day') }} as date)
-- clustered by week: a night rewrites its last weeks in the last blocks only
order by week_start
