{% test schema_unchanged(model, columns=none) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('schema_unchanged', model, kwargs) -%}
  {{ return(adapter.dispatch('test_schema_unchanged', 'strataqc')(model, columns)) }}
{% endtest %}

{% macro default__test_schema_unchanged(model, columns) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('schema_unchanged', model) -%}
  {%- set families = ['integer', 'number', 'float', 'decimal', 'string', 'boolean', 'date', 'timestamp', 'other'] -%}
  {%- if columns is not none and (columns is not mapping or columns | length == 0) -%}
    {{ strataqc.argument_error(label, 'columns', 'must be a mapping of column name to type family, got ' ~ (columns | tojson),
       'write e.g. `columns: {store_id: integer, city: string}`, or drop it to compare with the stored baseline') }}
  {%- endif -%}
  {%- set actual = {} -%}
  {%- for name, data_type in strataqc.column_types(model).items() -%}
    {%- do actual.update({name: strataqc.type_family(data_type)}) -%}
  {%- endfor -%}
  {%- set expected = {} -%}
  {%- set against = 'the declared columns' -%}
  {%- if columns is not none -%}
    {%- for name, family in columns.items() -%}
      {%- if family not in families -%}
        {{ strataqc.argument_error(label, 'columns', 'gives ' ~ (name | tojson) ~ ' the unknown type family ' ~ (family | tojson), 'use one of ' ~ families | join(', ')) }}
      {%- endif -%}
      {%- do expected.update({(name | string | lower): family}) -%}
    {%- endfor -%}
  {%- elif execute -%}
    {%- set expected = strataqc.schema_baseline(model, actual) -%}
    {%- set against = 'the stored baseline' -%}
  {%- else -%}
    {%- set expected = actual -%}
  {%- endif -%}
  {%- set changes = [] -%}
  {%- for name in actual.keys() | sort if name not in expected -%}
    {%- do changes.append((name, 'added', 'none', actual[name])) -%}
  {%- endfor -%}
  {%- for name in expected.keys() | sort -%}
    {%- if name not in actual -%}
      {%- do changes.append((name, 'dropped', expected[name], 'none')) -%}
    {%- elif not (expected[name] == actual[name] or (expected[name] == 'number' and actual[name] in ['integer', 'float', 'decimal'])) -%}
      {%- do changes.append((name, 'type_changed', expected[name], actual[name])) -%}
    {%- endif -%}
  {%- endfor -%}
-- columns and types are metadata: compared while compiling against {{ against }}; the query lists the changes
{%- for name, change, was, now in changes %}
select {{ strataqc.string_literal(name) }} as column_name, {{ strataqc.string_literal(change) }} as change,
  {{ strataqc.string_literal(was) }} as expected_family, {{ strataqc.string_literal(now) }} as actual_family,
  {{ strataqc.sql_message([label ~ ': column ' ~ name ~ ' ' ~ change | replace('_', ' ') ~ ' (expected ' ~ was ~ ', found ' ~ now ~ ') against ' ~ against]) }} as message
union all
{%- endfor %}
select {{ strataqc.string_literal('') }} as column_name, {{ strataqc.string_literal('') }} as change,
  {{ strataqc.string_literal('') }} as expected_family, {{ strataqc.string_literal('') }} as actual_family,
  {{ strataqc.string_literal('') }} as message
from (select 1 as one) probe
where 1 = 0
{% endmacro %}
