{#- The shared body of the ratio tests: the share of checked rows that fail
    `condition`, per group when `groups` (quoted) are given, one row per group
    over `max_ratio`. `counted` is what the share is of (count(*), or the
    column's non-NULL values). With nothing counted at all the test fails with
    that nothing was there unless allow_empty. -#}
{% macro failing_share(label, model, condition, counted, max_ratio, allow_empty, what, groups=[], group_names=[]) %}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
with counted as (
  select {{ g }}{{ counted }} as rows_checked,
    sum(case when {{ condition }} then 1 else 0 end) as failing_rows
  from {{ model }}
  {% if groups %}group by {{ groups | join(', ') }}{% endif %}
),
judged as (
  select {{ g }}rows_checked, coalesce(failing_rows, 0) as failing_rows,
    {{ strataqc.as_double('coalesce(failing_rows, 0)') }} / nullif(rows_checked, 0) as observed
  from counted
)
select {{ g }}observed, {{ strataqc.as_double(max_ratio) }} as threshold, rows_checked, failing_rows,
  {{ strataqc.sql_message([label] + strataqc.group_message_parts(group_names, groups) + [': ', {'int': 'failing_rows'}, ' of ', {'int': 'rows_checked'}, ' ' ~ what ~ ' (ratio ', {'num': 'observed'}, ', limit ' ~ max_ratio ~ ')']) }} as message
from judged
-- strict: a share equal to max_ratio passes
where observed > {{ max_ratio }}
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}cast(null as {{ strataqc.type_double() }}) as observed, {{ strataqc.as_double(max_ratio) }} as threshold,
  0 as rows_checked, 0 as failing_rows,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no rows, or no non-NULL value')) }} as message
from (select coalesce(sum(rows_checked), 0) as n from counted) totals
where n = 0
{%- endif %}
{% endmacro %}
