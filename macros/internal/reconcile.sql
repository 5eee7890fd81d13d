{#- The shared body of reconcile_row_count and reconcile_sum: one aggregate per
    group on each side, stacked and summed per group (NULL groups match), and
    the relative gap judged against the compared (upstream) model. -#}
{#- this_count/compare_count count what was measured (rows, or non-NULL values of
    the summed column): when both are 0 there was nothing to compare. -#}
{% macro reconcile_totals(label, model, this_expr, compare_model, compare_expr, groups, tolerance_ratio, allow_empty, what, this_count='count(*)', compare_count='count(*)', nothing='both models have no rows') %}
  {%- set g = groups | join(', ') -%}
  {%- set texts = [] -%}
  {%- for c in groups %}{% do texts.append("coalesce(" ~ strataqc.to_text(c) ~ ", 'NULL')") %}{% endfor -%}
  {%- set group_text = texts | join(" || ', ' || ") if groups else "''" -%}
with sides as (
  -- both sides stacked and grouped once: GROUP BY matches NULL groups with each
  -- other, and no FULL OUTER JOIN (which some engines cannot run on these keys)
  select {{ g ~ ', ' if groups }}{{ strataqc.as_double(this_expr) }} as this_value, cast(0 as {{ strataqc.type_double() }}) as compare_value, {{ this_count }} as rows_seen
  from {{ model }}
  {% if groups %}group by {{ g }}{% endif %}
  union all
  select {{ g ~ ', ' if groups }}cast(0 as {{ strataqc.type_double() }}) as this_value, {{ strataqc.as_double(compare_expr) }} as compare_value, {{ compare_count }} as rows_seen
  from {{ compare_model }}
  {% if groups %}group by {{ g }}{% endif %}
),
joined as (
  select {{ g ~ ', ' if groups }}
    coalesce(sum(this_value), 0) as this_value,
    coalesce(sum(compare_value), 0) as compare_value,
    sum(rows_seen) as rows_seen
  from sides
  {% if groups %}group by {{ g }}{% endif %}
),
judged as (
  select joined.*,
    abs(this_value - compare_value) / nullif(abs(compare_value), 0) as observed
  from joined
)
select {{ g ~ ', ' if groups }}this_value, compare_value, observed, {{ strataqc.as_double(tolerance_ratio) }} as threshold,
  {{ strataqc.sql_message([label ~ (' in group (' ~ groups | join(', ') | replace('"', '') ~ ') = (' if groups else ''),
      {'text': group_text}, (')' if groups else ''),
      ': ' ~ what ~ ' ', {'num': 'this_value'}, ' vs ', {'num': 'compare_value'},
      ' in the compared model (relative gap ', {'num': 'observed'}, ', tolerance ' ~ tolerance_ratio ~ ')']) }} as message
from judged
-- tolerance is relative to the compared model; a gap against zero always fails
where observed > {{ tolerance_ratio }}
   or (compare_value = 0 and this_value <> 0)
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}cast(null as {{ strataqc.type_double() }}) as this_value, cast(null as {{ strataqc.type_double() }}) as compare_value,
  cast(null as {{ strataqc.type_double() }}) as observed, {{ strataqc.as_double(tolerance_ratio) }} as threshold,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, nothing)) }} as message
from (select coalesce(sum(rows_seen), 0) as n from joined) counted
where n = 0
{%- endif %}
{% endmacro %}
