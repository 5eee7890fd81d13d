-- One row per load: landed lines = clean + rejected + duplicates removed, or unexplained_rows says by how much not.
with arrivals as (
    select _load_id, _source_file, {{ strataqc.demo_line_arrival() }} as arrival
    from {{ ref('ods_pos__sales') }}
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

clean as (
    select _load_id, count(*) as clean_rows from {{ ref('dwd_sales') }} group by _load_id
),

rejected as (
    select _load_id, count(*) as rejected_rows from {{ ref('dwd_sales__rejected') }} group by _load_id
)

select
    landed._load_id,
    landed._source_file,
    landed.landed_rows,
    coalesce(clean.clean_rows, 0) as clean_rows,
    coalesce(rejected.rejected_rows, 0) as rejected_rows,
    landed.duplicate_rows as duplicates_removed,
    landed.landed_rows
        - coalesce(clean.clean_rows, 0)
        - coalesce(rejected.rejected_rows, 0)
        - landed.duplicate_rows as unexplained_rows
from landed
left join clean on clean._load_id = landed._load_id
left join rejected on rejected._load_id = landed._load_id
