{% test not_constant(model, column_name, group_by=none, allow_empty=false) %}
  {{ return(adapter.dispatch('test_not_constant', 'strataqc')(model, column_name, group_by, allow_empty)) }}
{% endtest %}

{% macro default__test_not_constant(model, column_name, group_by, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('not_constant', model, column_name) -%}
  {%- set names = strataqc.require_names(label, 'group_by', group_by) -%}
  {%- set groups = strataqc.quote_all(names) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- do strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model)) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
with counted as (
  select {{ g }}count(distinct {{ col }}) as distinct_values, count({{ col }}) as rows_checked
  from {{ model }}
  {% if groups %}group by {{ groups | join(', ') }}{% endif %}
)
-- NULL is not a value here: one value plus NULLs is still constant
select {{ g }}{{ strataqc.as_double('distinct_values') }} as observed, {{ strataqc.as_double(2) }} as threshold,
  {{ strataqc.sql_message([label] + strataqc.group_message_parts(names, groups) + [': ', {'int': 'rows_checked'}, ' non-NULL values hold ', {'int': 'distinct_values'}, ' distinct value(s), need at least 2']) }} as message
from counted
where rows_checked > 0 and distinct_values < 2
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}cast(null as {{ strataqc.type_double() }}) as observed, {{ strataqc.as_double(2) }} as threshold,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }} as message
from (select coalesce(sum(rows_checked), 0) as n from counted) totals
where n = 0
{%- endif %}
{% endmacro %}
