{% test aggregate_between(model, column_name, aggregate=none, quantile=none, min_value=none, max_value=none, group_by=none, allow_empty=false) %}
  {{ return(adapter.dispatch('test_aggregate_between', 'strataqc')(model, column_name, aggregate, quantile, min_value, max_value, group_by, allow_empty)) }}
{% endtest %}

{% macro default__test_aggregate_between(model, column_name, aggregate, quantile, min_value, max_value, group_by, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('aggregate_between', model, column_name) -%}
  {%- if aggregate is none -%}
    {{ strataqc.argument_error(label, 'aggregate', 'is missing', 'add `aggregate: mean` (mean, median, stddev, quantile, sum, min, max)') }}
  {%- endif -%}
  {%- set aggregate = strataqc.require_choice(label, 'aggregate', aggregate, ['mean', 'median', 'stddev', 'quantile', 'sum', 'min', 'max']) -%}
  {%- set q = strataqc.require_number(label, 'quantile', quantile, required=aggregate == 'quantile', minimum=0, example='0.95') -%}
  {%- if q is not none and (aggregate != 'quantile' or q > 1) -%}
    {{ strataqc.argument_error(label, 'quantile', 'must be between 0 and 1 and only with `aggregate: quantile`, got ' ~ q, 'write e.g. `aggregate: quantile` with `quantile: 0.95`') }}
  {%- endif -%}
  {%- set lo = strataqc.require_number(label, 'min_value', min_value, example='0') -%}
  {%- set hi = strataqc.require_number(label, 'max_value', max_value, example='100') -%}
  {%- if lo is none and hi is none -%}
    {{ strataqc.argument_error(label, 'min_value', 'is missing, and so is `max_value`', 'give at least one bound, e.g. `min_value: 0`') }}
  {%- endif -%}
  {%- if lo is not none and hi is not none and lo > hi -%}
    {{ strataqc.argument_error(label, 'min_value', 'is above max_value (' ~ lo ~ ' > ' ~ hi ~ ')', 'swap the bounds') }}
  {%- endif -%}
  {%- set names = strataqc.require_names(label, 'group_by', group_by) -%}
  {%- set groups = strataqc.quote_all(names) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- if family not in ['integer', 'float', 'decimal'] -%}
    {{ strataqc.argument_error(label, 'column_name', 'is a ' ~ family ~ ' column; aggregates need numbers', 'point the test at a numeric column, or cast it in the model') }}
  {%- endif -%}
  {%- set v = strataqc.as_double(strataqc.quote_identifier(column_name)) -%}
  {%- set measure = {'mean': 'avg(' ~ v ~ ')', 'median': strataqc.median(v), 'stddev': 'stddev_samp(' ~ v ~ ')',
        'quantile': strataqc.quantile(v, q), 'sum': 'sum(' ~ v ~ ')', 'min': 'min(' ~ v ~ ')', 'max': 'max(' ~ v ~ ')'}[aggregate] -%}
  {%- set what = 'quantile ' ~ q if aggregate == 'quantile' else aggregate -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
  {%- set conditions = [] -%}
  {%- if lo is not none %}{% do conditions.append('observed < ' ~ lo) %}{% endif -%}
  {%- if hi is not none %}{% do conditions.append('observed > ' ~ hi) %}{% endif -%}
with measured as (
  select {{ g }}{{ measure }} as observed, count({{ v }}) as rows_checked
  from {{ model }}
  {% if groups %}group by {{ groups | join(', ') }}{% endif %}
)
-- NULLs are left out of every aggregate; a value equal to a bound passes
select {{ g }}observed, {{ strataqc.as_double(lo if lo is not none else 'null') }} as min_value, {{ strataqc.as_double(hi if hi is not none else 'null') }} as max_value,
  {{ strataqc.as_double('case when observed > ' ~ (hi if hi is not none else 'observed') ~ ' then ' ~ (hi if hi is not none else 'null') ~ ' else ' ~ (lo if lo is not none else 'null') ~ ' end') }} as threshold,
  {{ strataqc.sql_message([label] + strataqc.group_message_parts(names, groups) + [': ' ~ what ~ ' ', {'num': 'observed'}, ' of ', {'int': 'rows_checked'}, ' values, expected ' ~ (lo if lo is not none else '-inf') ~ ' .. ' ~ (hi if hi is not none else '+inf')]) }} as message
from measured
where {{ conditions | join(' or ') }}
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}cast(null as {{ strataqc.type_double() }}) as observed,
  {{ strataqc.as_double(lo if lo is not none else 'null') }} as min_value, {{ strataqc.as_double(hi if hi is not none else 'null') }} as max_value, cast(null as {{ strataqc.type_double() }}) as threshold,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }} as message
from (select coalesce(sum(rows_checked), 0) as n from measured) totals
where n = 0
{%- endif %}
{% endmacro %}
