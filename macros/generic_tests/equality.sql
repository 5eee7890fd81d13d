{% test equality(model, compare_model=none, compare_columns=none, exclude_columns=none, precision=none, allow_empty=false) %}
  {{ return(adapter.dispatch('test_equality', 'strataqc')(model, compare_model, compare_columns, exclude_columns, precision, allow_empty)) }}
{% endtest %}

{% macro default__test_equality(model, compare_model, compare_columns, exclude_columns, precision, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('equality', model) -%}
  {%- set compare_model = strataqc.require_relation(label, 'compare_model', compare_model) -%}
  {%- set chosen = strataqc.require_names(label, 'compare_columns', compare_columns) -%}
  {%- set excluded = strataqc.require_names(label, 'exclude_columns', exclude_columns, example='[loaded_at]') | map('lower') | list -%}
  {%- set precision = strataqc.require_number(label, 'precision', precision, minimum=0, integer=true, example='2') -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set types = strataqc.column_types(model) -%}
  {%- set compare_types = strataqc.column_types(compare_model) -%}
  {%- set columns = [] -%}
  {%- for c in (chosen or types.keys() | list) if (strataqc.unquote_name(c) | lower) not in excluded -%}
    {%- do strataqc.require_column_exists(label, 'compare_columns', c, types) -%}
    {%- do strataqc.require_column_exists(label ~ ' vs ' ~ strataqc.relation_label(compare_model), 'compare_columns', c, compare_types) -%}
    {%- do columns.append(c) -%}
  {%- endfor -%}
  {%- if not columns -%}
    {{ strataqc.argument_error(label, 'exclude_columns', 'leaves no column to compare', 'exclude fewer columns or list `compare_columns`') }}
  {%- endif -%}
  {%- set label = label ~ ' vs ' ~ strataqc.relation_label(compare_model) -%}
  {%- set compared = [] -%}
  {%- set quoted = strataqc.quote_all(columns) -%}
  {%- for c in columns -%}
    {%- set q = strataqc.quote_identifier(c) -%}
    {%- set family = strataqc.type_family(types.get(strataqc.unquote_name(c) | lower)) -%}
    {#- doubles compare after rounding: 0.1 + 0.2 and 0.3 are the same amount -#}
    {%- do compared.append((strataqc.round_number(q, precision) if precision is not none and family in ['float', 'decimal'] else q) ~ ' as ' ~ q) -%}
  {%- endfor -%}
  {%- set keys = quoted | join(', ') -%}
with sides as (
  -- a multiset compare: both sides stacked and counted per row, so duplicates
  -- count and NULLs match NULLs (no FULL OUTER JOIN on nullable keys)
  select {{ compared | join(', ') }}, 1 as in_model, 0 as in_compare from {{ model }}
  union all
  select {{ compared | join(', ') }}, 0 as in_model, 1 as in_compare from {{ compare_model }}
),
counted as (
  select {{ keys }}, sum(in_model) as rows_in_model, sum(in_compare) as rows_in_compare
  from sides
  group by {{ keys }}
)
select {{ keys }}, rows_in_model, rows_in_compare,
  case when rows_in_model > rows_in_compare then 'model' else 'compare_model' end as which_side,
  {{ strataqc.sql_message([label ~ ': a row is ', {'int': 'rows_in_model'}, ' time(s) in the model and ', {'int': 'rows_in_compare'}, ' time(s) in the compared model']) }} as message
from counted
where rows_in_model <> rows_in_compare
{%- if not allow_empty %}
union all
select {% for c in quoted %}null as {{ c }}, {% endfor %}0 as rows_in_model, 0 as rows_in_compare, 'both' as which_side,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'both models have no rows')) }} as message
from (select count(*) as n from sides) totals
where n = 0
{%- endif %}
{% endmacro %}
