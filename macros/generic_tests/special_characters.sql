{% test special_characters(model, column_name, allow=none, allow_empty=false) %}
  {%- do strataqc.require_column_level('special_characters', model, column_name) -%}
  {{ return(adapter.dispatch('test_special_characters', 'strataqc')(model, column_name, allow, allow_empty)) }}
{% endtest %}

{% macro default__test_special_characters(model, column_name, allow, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('special_characters', model, column_name) -%}
  {%- set allow = strataqc.normalize_allow(label, allow) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
-- accents, CJK and emoji are ordinary text; only invisible or broken characters fail
with classified as (
  select {{ col }} as failing_value, {{ strataqc.special_reason(col, allow, family) }} as reason
  from {{ model }}
  where {{ col }} is not null
)
select {{ strataqc.to_text('failing_value') }} as failing_value, reason, count(*) as occurrences,
  {{ strataqc.sql_message([label ~ ': a value holds ', {'text': 'reason'}, ' characters (rows: ', {'int': 'count(*)'}, ')']) }} as message
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
