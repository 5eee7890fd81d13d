{#- The landed sales lines a DWD model works on: on an incremental run only the loads after
    the model's own watermark (_load_id), de-duplicated on line_id (a re-sent line repeats it;
    the first arrival wins), each with its reject_reason. -#}
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
      row_number() over (partition by line_id order by _load_id, _line_number) as arrival
    from landed
  )

  select
    arrivals.*,
    {{ strataqc.demo_sales_reject_reason() }} as reject_reason
  from arrivals
  where arrival = 1
  {%- if incremental %}
    -- a line re-sent in a later load was already taken on an earlier night
    and not exists (select 1 from {{ this }} as earlier where earlier.line_id = arrivals.line_id)
  {%- endif %}
{% endmacro %}
