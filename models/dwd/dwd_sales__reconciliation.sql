-- One row per load: landed lines = clean + rejected + duplicates removed, or unexplained_rows says by how much not.
with ods as (
    select _load_id, _source_file, line_id, _line_number from {{ ref('ods_pos__sales') }}
),

landed as (
    select _load_id, _source_file, count(*) as landed_rows
    from ods
    group by _load_id, _source_file
),

arrivals as (
    select _load_id, {{ strataqc.demo_line_arrival() }} as arrival
    from ods
),

duplicates as (
    select _load_id, count(*) as duplicate_rows
    from arrivals
    where arrival > 1
    group by _load_id
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
    coalesce(duplicates.duplicate_rows, 0) as duplicates_removed,
    landed.landed_rows
        - coalesce(clean.clean_rows, 0)
        - coalesce(rejected.rejected_rows, 0)
        - coalesce(duplicates.duplicate_rows, 0) as unexplained_rows
from landed
left join clean on clean._load_id = landed._load_id
left join rejected on rejected._load_id = landed._load_id
left join duplicates on duplicates._load_id = landed._load_id
