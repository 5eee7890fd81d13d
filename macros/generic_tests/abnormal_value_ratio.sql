{% test abnormal_value_ratio(model, column_name, max_ratio=0, kinds=none, group_by=none, allow_empty=false) %}
  {%- do strataqc.require_column_level('abnormal_value_ratio', model, column_name) -%}
  {{ return(adapter.dispatch('test_abnormal_value_ratio', 'strataqc')(model, column_name, max_ratio, kinds, group_by, allow_empty)) }}
{% endtest %}

{% macro default__test_abnormal_value_ratio(model, column_name, max_ratio, kinds, group_by, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('abnormal_value_ratio', model, column_name) -%}
  {%- set max_ratio = strataqc.require_number(label, 'max_ratio', max_ratio, minimum=0, example='0.01') -%}
  {%- set max_ratio = 0 if max_ratio is none else max_ratio -%}
  {%- set kinds = strataqc.normalize_kinds(label, kinds) -%}
  {%- set names = strataqc.require_names(label, 'group_by', group_by) -%}
  {%- set groups = strataqc.quote_all(names) -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
with counted as (
  select {{ g }}
    count(*) as rows_checked,
    count({{ col }}) as non_null_rows,
    sum(case when {{ strataqc.abnormal_condition(col, kinds, family) }} then 1 else 0 end) as failing_rows
  from {{ model }}
  {% if groups %}group by {{ groups | join(', ') }}{% endif %}
),
judged as (
  select {{ g }}rows_checked, non_null_rows, coalesce(failing_rows, 0) as failing_rows,
    {{ strataqc.as_double('coalesce(failing_rows, 0)') }} / nullif(rows_checked, 0) as observed
  from counted
)
select {{ g }}
  observed, {{ strataqc.as_double(max_ratio) }} as threshold, rows_checked, failing_rows,
  case when rows_checked = 0 or (non_null_rows = 0 and observed <= {{ max_ratio }})
    then {{ strataqc.sql_message(strataqc.nothing_to_check(label, [{'int': 'rows_checked'}, ' rows, no non-NULL value'])) }}
    else {{ strataqc.sql_message([label] + strataqc.group_message_parts(names, groups) + [': ', {'int': 'failing_rows'}, ' of ', {'int': 'rows_checked'}, ' rows are ' ~ kinds | join('/') ~ ' (ratio ', {'num': 'observed'}, ', limit ' ~ max_ratio ~ ')']) }}
  end as message
from judged
-- strict: a ratio equal to max_ratio passes
where observed > {{ max_ratio }}
{%- if not allow_empty and not groups %}
   or rows_checked = 0 or non_null_rows = 0
{%- endif %}
{%- if not allow_empty and groups %}
{# per group an all-NULL group is judged by its ratio; only no value at all fails as empty #}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}cast(null as {{ strataqc.type_double() }}) as observed, {{ strataqc.as_double(max_ratio) }} as threshold, 0 as rows_checked, 0 as failing_rows,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }} as message
from (select coalesce(sum(rows_checked), 0) as n, coalesce(sum(non_null_rows), 0) as nn, max(observed) as worst from judged) totals
where n = 0 or (nn = 0 and not coalesce(worst > {{ max_ratio }}, false))
{%- endif %}
{% endmacro %}
