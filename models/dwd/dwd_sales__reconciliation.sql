{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='_load_id',
    on_schema_change='fail'
) }}
{#- An incremental run adds the loads after its own watermark: a load's totals never change once
    dwd_sales and dwd_sales__rejected took it, so the night reads only tonight's loads. -#}
-- One row per load: landed lines = clean + rejected + duplicates removed, or unexplained_rows says by how much not.
with landed_lines as (
    select _load_id, _source_file, line_id, _line_number
    from {{ ref('ods_pos__sales') }}
    {%- if is_incremental() %}
    where _load_id > (select coalesce(max(_load_id), 0) from {{ this }})
    {%- endif %}
),

arrivals as (
    select _load_id, _source_file, line_id, {{ strataqc.demo_line_arrival() }} as arrival
    from landed_lines
),

-- one pass over the landed lines: a load is one file, so its rows and re-sends count together
landed as (
    select
        _load_id,
        _source_file,
        count(*) as landed_rows,
        count(case when arrival > 1 then 1 end) as duplicate_rows
    from arrivals
    group by _load_id, _source_file
),

{% if is_incremental() -%}
-- a line first landed in an earlier load is a re-send tonight, as dwd_sales counts it (a filter, not a
-- column: as a column the same EXISTS read every landed line, 60 times slower at 10M)
landed_before as (
    select _load_id, count(*) as resent_rows
    from arrivals
    where arrival = 1
        and nullif(trim(line_id), '') is not null
        and exists (
            select 1 from {{ ref('ods_pos__sales') }} as earlier
            where earlier.line_id = arrivals.line_id
                and earlier._load_id <= (select coalesce(max(_load_id), 0) from {{ this }})
        )
    group by _load_id
),

{% endif -%}
clean as (
    select _load_id, count(*) as clean_rows from {{ ref('dwd_sales') }}
    {%- if is_incremental() %}
    where _load_id > (select coalesce(max(_load_id), 0) from {{ this }})
    {%- endif %}
    group by _load_id
),

rejected as (
    select _load_id, count(*) as rejected_rows from {{ ref('dwd_sales__rejected') }}
    {%- if is_incremental() %}
    where _load_id > (select coalesce(max(_load_id), 0) from {{ this }})
    {%- endif %}
    group by _load_id
)

select
    landed._load_id,
    landed._source_file,
    landed.landed_rows,
    coalesce(clean.clean_rows, 0) as clean_rows,
    coalesce(rejected.rejected_rows, 0) as rejected_rows,
    landed.duplicate_rows {%- if is_incremental() %} + coalesce(landed_before.resent_rows, 0){% endif %} as duplicates_removed,
    landed.landed_rows
        - coalesce(clean.clean_rows, 0)
        - coalesce(rejected.rejected_rows, 0)
        - landed.duplicate_rows
        {%- if is_incremental() %}
        - coalesce(landed_before.resent_rows, 0)
        {%- endif %} as unexplained_rows
from landed
left join clean on clean._load_id = landed._load_id
left join rejected on rejected._load_id = landed._load_id
{%- if is_incremental() %}
left join landed_before on landed_before._load_id = landed._load_id
{%- endif %}
