{{ config(severity='error', meta={'strataqc': {'columns': ['store_id', 'sale_date']}}) }}
-- Every store that sold in the four weeks before the newest business day sold on that day too:
-- a store whose till sent nothing tonight shows the same night, not once its lines come back
-- and leave a gap. Only the newest day is judged: a store-day missing long ago is
-- dwd_sales__series_days_missing's to report, every night.
-- An error: a store's missing day would reach the forecasts as zero sales, so dbt build holds
-- DWS and ADS back for the night (they catch up on the next load that passes).
with latest as (
    select max(sale_date) as latest_day
    from {{ ref('dwd_sales') }}
),

stores as (
    select sales.store_id, max(sales.sale_date) as last_day, latest.latest_day
    from {{ ref('dwd_sales') }} as sales
    cross join latest
    where sales.sale_date >= {{ dbt.dateadd('day', -28, 'latest.latest_day') }}
    group by sales.store_id, latest.latest_day
)

select store_id, last_day, latest_day
from stores
where last_day < latest_day
