{% test value_range(model, column_name, min_value=none, max_value=none, inclusive=true, allow_negative=true, allow_infinite=false, allow_nan=false, allow_empty=false) %}
  {%- do strataqc.require_column_level('value_range', model, column_name) -%}
  {{ return(adapter.dispatch('test_value_range', 'strataqc')(model, column_name, {
      'min_value': min_value, 'max_value': max_value, 'inclusive': inclusive, 'allow_negative': allow_negative,
      'allow_infinite': allow_infinite, 'allow_nan': allow_nan}, allow_empty)) }}
{% endtest %}

{% macro default__test_value_range(model, column_name, args, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('value_range', model, column_name) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set r = strataqc.normalize_range_args(label, args, family) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
with classified as (
  select {{ col }} as failing_value, {{ strataqc.range_reason(col, r, family) }} as reason
  from {{ model }}
  where {{ col }} is not null
)
select {{ strataqc.to_text('failing_value') }} as failing_value, reason, count(*) as occurrences,
  {{ strataqc.sql_message([label ~ ': value ', {'text': 'failing_value'}, ' is ', {'text': 'reason'},
     ' (range ' ~ (args.min_value if args.min_value is not none else '-inf') ~ ' .. ' ~ (args.max_value if args.max_value is not none else '+inf')
     ~ (', inclusive' if r.inclusive else ', exclusive') ~ '; rows: ', {'int': 'count(*)'}, ')']) }} as message
from classified
where reason is not null
group by failing_value, reason
{%- if not allow_empty %}
union all
select cast(null as {{ dbt.type_string() }}) as failing_value, 'no_values' as reason, 0 as occurrences,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'no non-NULL value')) }} as message
from (select count({{ col }}) as n from {{ model }}) counted
where n = 0
{%- endif %}
{% endmacro %}
