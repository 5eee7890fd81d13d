{#- The landed sales lines a DWD model works on: on an incremental run only the loads after the
    model's own watermark (_load_id), de-duplicated on line_id (a re-sent line repeats it; the first
    arrival wins, whatever its content), each with its reject_reason. -#}
{% macro demo_sales_lines(incremental) %}
  with landed as (
    select * from {{ ref('ods_pos__sales') }}
    {%- if incremental %}
    where _load_id > (select coalesce(max(_load_id), 0) from {{ this }})
    {%- endif %}
  ),

  arrivals as (
    select
      landed.*,
      {{ strataqc.demo_line_arrival() }} as arrival
    from landed
  )

  select
    arrivals.*,
    {{ strataqc.demo_sales_reject_reason() }} as reject_reason
  from arrivals
  where arrival = 1
  {%- if incremental %}
    -- a line first landed in an earlier load was taken (clean or rejected) on an earlier night:
    -- compare with the landed lines, not with this model, so a re-sent line is a duplicate either way
    and not exists (
      select 1 from {{ ref('ods_pos__sales') }} as earlier
      where earlier.line_id = arrivals.line_id
        and nullif(trim(arrivals.line_id), '') is not null
        and earlier._load_id <= (select coalesce(max(_load_id), 0) from {{ this }})
    )
  {%- endif %}
{% endmacro %}

{#- 1 for the first arrival of a line_id, 2, 3 … for its re-sends. A line without a line_id is
    no re-send of anything: it is its own first arrival (and rejected for the missing id). -#}
{% macro demo_line_arrival() %}
  case
    when nullif(trim(line_id), '') is null then 1
    else row_number() over (partition by line_id order by _load_id, _line_number)
  end
{% endmacro %}
