{% test relationships_ratio(model, column_name, to=none, field=none, max_ratio=0, allow_empty=false) %}
  {{ return(adapter.dispatch('test_relationships_ratio', 'strataqc')(model, column_name, to, field, max_ratio, allow_empty)) }}
{% endtest %}

{% macro default__test_relationships_ratio(model, column_name, to, field, max_ratio, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('relationships_ratio', model, column_name) -%}
  {%- set to = strataqc.require_relation(label, 'to', to) -%}
  {%- set field = strataqc.require_name(label, 'field', field, example='store_id') -%}
  {%- set max_ratio = strataqc.require_ratio(label, 'max_ratio', max_ratio) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- do strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model)) -%}
  {%- do strataqc.require_column_exists(label, 'field', field, strataqc.column_types(to)) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
{#- the model is wrapped: under `where` dbt passes a subquery that already carries an alias -#}
-- an orphan is a non-NULL key with no parent row; NULL keys are not_null's business
{{ strataqc.failing_share(label ~ ' -> ' ~ strataqc.relation_label(to) ~ '.' ~ field,
     '(select child.' ~ col ~ ', parent.parent_key from (select * from ' ~ model ~ ') child left join (select distinct ' ~ strataqc.quote_identifier(field) ~ ' as parent_key from ' ~ to ~ ') parent on child.' ~ col ~ ' = parent.parent_key) keyed',
     col ~ ' is not null and parent_key is null', 'count(' ~ col ~ ')', max_ratio, allow_empty, 'keys have no parent row') }}
{% endmacro %}
