{% test distinct_count_between(model, column_name, min_count=none, max_count=none, group_by=none, allow_empty=false) %}
  {{ return(adapter.dispatch('test_distinct_count_between', 'strataqc')(model, column_name, min_count, max_count, group_by, allow_empty)) }}
{% endtest %}

{% macro default__test_distinct_count_between(model, column_name, min_count, max_count, group_by, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('distinct_count_between', model, column_name) -%}
  {%- set lo = strataqc.require_number(label, 'min_count', min_count, minimum=0, integer=true, example='1') -%}
  {%- set hi = strataqc.require_number(label, 'max_count', max_count, minimum=0, integer=true, example='100') -%}
  {%- if lo is none and hi is none -%}
    {{ strataqc.argument_error(label, 'min_count', 'is missing, and so is `max_count`', 'give at least one bound, e.g. `min_count: 1`') }}
  {%- endif -%}
  {%- if lo is not none and hi is not none and lo > hi -%}
    {{ strataqc.argument_error(label, 'min_count', 'is above max_count (' ~ lo ~ ' > ' ~ hi ~ ')', 'swap the bounds') }}
  {%- endif -%}
  {%- set names = strataqc.require_names(label, 'group_by', group_by) -%}
  {%- set groups = strataqc.quote_all(names) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- do strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model)) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
  {%- set conditions = [] -%}
  {%- if lo is not none %}{% do conditions.append('distinct_values < ' ~ lo) %}{% endif -%}
  {%- if hi is not none %}{% do conditions.append('distinct_values > ' ~ hi) %}{% endif -%}
with counted as (
  select {{ g }}count(distinct {{ col }}) as distinct_values, count({{ col }}) as rows_checked
  from {{ model }}
  {% if groups %}group by {{ groups | join(', ') }}{% endif %}
)
-- NULL is not counted as a distinct value; a count equal to a bound passes
select {{ g }}{{ strataqc.as_double('distinct_values') }} as observed,
  {{ strataqc.as_double(lo if lo is not none else 'null') }} as min_count, {{ strataqc.as_double(hi if hi is not none else 'null') }} as max_count,
  {{ strataqc.as_double('case when distinct_values > ' ~ (hi if hi is not none else 'distinct_values') ~ ' then ' ~ (hi if hi is not none else 'null') ~ ' else ' ~ (lo if lo is not none else 'null') ~ ' end') }} as threshold,
  {{ strataqc.sql_message([label] + strataqc.group_message_parts(names, groups) + [': ', {'int': 'distinct_values'}, ' distinct values, expected ' ~ (lo if lo is not none else 0) ~ ' .. ' ~ (hi if hi is not none else 'any')]) }} as message
from counted
where {{ conditions | join(' or ') }}
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}cast(null as {{ strataqc.type_double() }}) as observed,
  {{ strataqc.as_double(lo if lo is not none else 'null') }} as min_count, {{ strataqc.as_double(hi if hi is not none else 'null') }} as max_count, cast(null as {{ strataqc.type_double() }}) as threshold,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }} as message
from (select coalesce(sum(rows_checked), 0) as n from counted) totals
where n = 0
{%- endif %}
{% endmacro %}
