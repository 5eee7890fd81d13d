{{ config(severity='error', meta={'strataqc': {'columns': ['source_file']}}) }}
-- One POS file per business day, delivered the night after: the newest loaded file's day
-- (its name, sales/pos_sales_YYYY-MM-DD.csv) is at most one day behind "now". "Now" is
-- strataqc.current_time(): var strataqc_as_of or STRATAQC_NOW pin it, so a replayed or
-- simulated night judges by its own date, not the wall clock.
-- An error: nothing is built from the load log, so it holds nothing back, and a warning would
-- not page anyone (alerts go out for fail and error).
with files as (
    select {{ strataqc.try_cast(dbt.right(dbt.replace('source_file', "'.csv'", "''"), '10'), 'date') }} as business_date
    from {{ source('landing', 'load_log') }}
    where table_name = 'pos_sales'
),

newest as (
    select max(business_date) as newest_day, {{ strataqc.current_time() }} as as_of
    from files
)

select newest_day, as_of, {{ dbt.datediff('newest_day', 'as_of', 'day') }} as observed, 1 as threshold
from newest
-- no dated file at all is late too
where newest_day is null
   or {{ dbt.datediff('newest_day', 'as_of', 'day') }} > 1
