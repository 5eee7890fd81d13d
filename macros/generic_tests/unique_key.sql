{% test unique_key(model, columns=none, allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('unique_key', model, kwargs) -%}
  {{ return(adapter.dispatch('test_unique_key', 'strataqc')(model, columns, allow_empty)) }}
{% endtest %}

{% macro default__test_unique_key(model, columns, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('unique_key', model) -%}
  {%- set columns = strataqc.require_names(label, 'columns', columns, required=true) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set key = strataqc.quote_all(columns) -%}
  {%- set texts = [] -%}
  {%- for k in key %}{% do texts.append("coalesce(" ~ strataqc.to_text(k) ~ ", 'NULL')") %}{% endfor -%}
-- group by pools NULLs: two (1, NULL) rows repeat a key, on purpose
with keyed as (
  select {{ key | join(', ') }}, count(*) as occurrences
  from {{ model }}
  group by {{ key | join(', ') }}
)
select {{ key | join(', ') }}, occurrences,
  {{ strataqc.sql_message([label ~ ': key (' ~ columns | join(', ') ~ ') = (', {'text': texts | join(" || ', ' || ")}, ') occurs ', {'int': 'occurrences'}, ' times']) }} as message
from keyed
where occurrences > 1
{%- if not allow_empty %}
union all
-- an empty model has no duplicate keys only because it has no keys
select {% for k in key %}null as {{ k }}, {% endfor %}0 as occurrences,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'the model has no rows')) }} as message
from (select count(*) as n from {{ model }}) counted
where n = 0
{%- endif %}
{% endmacro %}
