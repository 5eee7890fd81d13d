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

{% if is_incremental() -%}
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
{%- else -%}
-- every load at once: a line id arrives first in the first load that carries it, so a load's
-- duplicates are its lines with an id less the ids it carries first; the same counts as the arrival
-- window, without ordering every landed line (at 30M lines, that window beside dws_sales_daily
-- outgrew DuckDB's memory limit)
first_loads as (
    select first_load as _load_id, count(*) as first_ids
    from (
        select min(_load_id) as first_load
        from landed_lines
        where nullif(trim(line_id), '') is not null
        group by line_id
    ) as firsts
    group by first_load
),

landed as (
    select
        lines._load_id,
        lines._source_file,
        count(*) as landed_rows,
        count(case when nullif(trim(lines.line_id), '') is not null then 1 end)
            - coalesce(max(first_loads.first_ids), 0) as duplicate_rows
    from landed_lines as lines
    left join first_loads on first_loads._load_id = lines._load_id
    group by lines._load_id, lines._source_file
),
{%- endif %}

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
