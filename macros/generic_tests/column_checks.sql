{% test column_checks(model, columns=none, allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('column_checks', model, kwargs) -%}
  {{ return(adapter.dispatch('test_column_checks', 'strataqc')(model, columns, allow_empty)) }}
{% endtest %}

{% macro default__test_column_checks(model, columns, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('column_checks', model) -%}
  {%- set rules_known = ['not_null', 'unique', 'abnormal_value_ratio', 'valid_type', 'value_range', 'special_characters', 'accepted_values_ratio'] -%}
  {%- if columns is not mapping or columns | length == 0 -%}
    {{ strataqc.argument_error(label, 'columns', 'must map each column to its rules, got ' ~ (columns | tojson),
       'write e.g. `columns: {price: {value_range: {min_value: 0}}, sku_id: {not_null: {}}}`') }}
  {%- endif -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set types = strataqc.column_types(model) -%}
  {#- every (column, rule) becomes: one aggregate in the single scan + how to judge it -#}
  {%- set aggregates = ['count(*) as rows_checked'] -%}
  {%- set checks = [] -%}
  {%- for column, rules in columns.items() -%}
    {%- set clabel = label ~ '.' ~ column -%}
    {%- if rules is not mapping or rules | length == 0 -%}
      {{ strataqc.argument_error(clabel, column, 'must map rule names to their arguments, got ' ~ (rules | tojson), 'write e.g. `' ~ column ~ ': {not_null: {}}`; rules: ' ~ rules_known | join(', ')) }}
    {%- endif -%}
    {%- set family = strataqc.type_family(strataqc.require_column_exists(clabel, 'columns', column, types)) -%}
    {%- set col = strataqc.quote_identifier(column) -%}
    {%- set n = checks | length -%}
    {%- set nn = 'non_null_' ~ loop.index -%}
    {%- do aggregates.append('count(' ~ col ~ ') as ' ~ nn) -%}
    {%- if not allow_empty -%}
      {%- do checks.append({'column': column, 'rule': 'no_values', 'observed': nn, 'threshold': '0',
            'fails': 'rows_checked > 0 and ' ~ nn ~ ' = 0',
            'message': strataqc.nothing_to_check(clabel, 'no non-NULL value')}) -%}
    {%- endif -%}
    {%- for rule, args in rules.items() -%}
      {%- set args = {} if args is none else args -%}
      {%- set rlabel = clabel ~ ' ' ~ rule -%}
      {%- if rule not in rules_known -%}
        {{ strataqc.argument_error(clabel, column, 'has the unknown rule ' ~ (rule | tojson), 'use one of ' ~ rules_known | join(', ')) }}
      {%- endif -%}
      {%- if args is not mapping -%}
        {{ strataqc.argument_error(rlabel, rule, 'must be a mapping of arguments, got ' ~ (args | tojson), 'write `' ~ rule ~ ': {}` when it takes none') }}
      {%- endif -%}
      {%- set m = 'measure_' ~ (aggregates | length) -%}
      {%- set ratio = none -%}
      {%- if rule == 'not_null' -%}
        {%- set condition = col ~ ' is null' -%}
      {%- elif rule == 'unique' -%}
        {%- set condition = none -%}
        {%- do aggregates.append('count(' ~ col ~ ') - count(distinct ' ~ col ~ ') as ' ~ m) -%}
      {%- elif rule == 'abnormal_value_ratio' -%}
        {%- set condition = strataqc.abnormal_condition(col, strataqc.normalize_kinds(rlabel, args.get('kinds')), family) -%}
        {%- set ratio = strataqc.require_number(rlabel, 'max_ratio', args.get('max_ratio'), minimum=0, example='0.01') or 0 -%}
        {%- set denominator = 'rows_checked' -%}
      {%- elif rule == 'accepted_values_ratio' -%}
        {%- set condition = strataqc.outside_values_condition(col, strataqc.normalize_values(rlabel, args.get('values')), family) -%}
        {%- set ratio = strataqc.require_number(rlabel, 'max_ratio', args.get('max_ratio'), minimum=0, example='0.01') or 0 -%}
        {%- set denominator = nn -%}
      {%- elif rule == 'valid_type' -%}
        {%- set type = strataqc.require_choice(rlabel, 'type', args.get('type'), ['integer', 'number', 'boolean', 'date', 'timestamp']) -%}
        {%- set condition = strataqc.not_castable_condition(col, type, family) -%}
      {%- elif rule == 'value_range' -%}
        {%- set condition = strataqc.range_reason(col, strataqc.normalize_range_args(rlabel, args, family), family) ~ ' is not null' -%}
      {%- elif rule == 'special_characters' -%}
        {%- set condition = strataqc.special_any(col, strataqc.normalize_allow(rlabel, args.get('allow')), family) -%}
      {%- endif -%}
      {%- if condition is not none -%}
        {%- do aggregates.append('sum(case when ' ~ condition ~ ' then 1 else 0 end) as ' ~ m) -%}
      {%- endif -%}
      {%- if ratio is not none -%}
        {%- set observed = strataqc.as_double('coalesce(' ~ m ~ ', 0)') ~ ' / nullif(' ~ denominator ~ ', 0)' -%}
        {%- do checks.append({'column': column, 'rule': rule, 'observed': observed, 'threshold': ratio | string,
              'fails': observed ~ ' > ' ~ ratio,
              'message': [rlabel ~ ': ', {'int': 'coalesce(' ~ m ~ ', 0)'}, ' of ', {'int': denominator}, ' rows fail (ratio ', {'num': observed}, ', limit ' ~ ratio ~ ')']}) -%}
      {%- elif rule == 'unique' -%}
        {#- non-NULL count minus distinct count: the rows beyond each value's first, not rows or values -#}
        {%- do checks.append({'column': column, 'rule': rule, 'observed': 'coalesce(' ~ m ~ ', 0)', 'threshold': '0',
              'fails': 'coalesce(' ~ m ~ ', 0) > 0',
              'message': [rlabel ~ ': ', {'int': 'coalesce(' ~ m ~ ', 0)'}, ' surplus rows (a value repeated beyond its first row; NULLs aside)']}) -%}
      {%- else -%}
        {%- do checks.append({'column': column, 'rule': rule, 'observed': 'coalesce(' ~ m ~ ', 0)', 'threshold': '0',
              'fails': 'coalesce(' ~ m ~ ', 0) > 0',
              'message': [rlabel ~ ': ', {'int': 'coalesce(' ~ m ~ ', 0)'}, ' rows fail']}) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- if not allow_empty -%}
    {%- do checks.append({'column': none, 'rule': 'no_rows', 'observed': 'rows_checked', 'threshold': '0', 'fails': 'rows_checked = 0',
          'message': strataqc.nothing_to_check(label, 'the model has no rows')}) -%}
  {%- endif -%}
-- one scan: every rule of every column is a conditional aggregate of this single select
with measured as (
  select
    {{ aggregates | join(',\n    ') }}
  from {{ model }}
),
rule_index as (
  -- a tiny constant table that unpivots the measures: one row per (column, rule)
  {% for c in checks -%}
  select {{ loop.index }} as check_id{{ ' union all ' if not loop.last }}
  {% endfor %}
),
judged as (
  select
    case rule_index.check_id {% for c in checks %}when {{ loop.index }} then {{ strataqc.string_literal(c.column) if c.column is not none else 'null' }} {% endfor %}end as column_name,
    case rule_index.check_id {% for c in checks %}when {{ loop.index }} then {{ strataqc.string_literal(c.rule) }} {% endfor %}end as rule,
    case rule_index.check_id {% for c in checks %}when {{ loop.index }} then {{ strataqc.as_double(c.observed) }} {% endfor %}end as observed,
    case rule_index.check_id {% for c in checks %}when {{ loop.index }} then {{ strataqc.as_double(c.threshold) }} {% endfor %}end as threshold,
    case rule_index.check_id {% for c in checks %}when {{ loop.index }} then ({{ c.fails }}) {% endfor %}end as failed,
    case rule_index.check_id {% for c in checks %}when {{ loop.index }} then {{ strataqc.sql_message(c.message) }} {% endfor %}end as message
  from measured
  cross join rule_index
)
select column_name, rule, observed, threshold, message
from judged
-- strict: a ratio equal to its limit passes
where failed
{% endmacro %}
