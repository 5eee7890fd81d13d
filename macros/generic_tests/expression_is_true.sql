{% test expression_is_true(model, expression=none, column_name=none, max_ratio=0, allow_empty=false) %}
  {{ return(adapter.dispatch('test_expression_is_true', 'strataqc')(model, expression, column_name, max_ratio, allow_empty)) }}
{% endtest %}

{% macro default__test_expression_is_true(model, expression, column_name, max_ratio, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('expression_is_true', model, column_name) -%}
  {%- set expression = strataqc.normalize_expression(label, expression) -%}
  {%- set max_ratio = strataqc.require_ratio(label, 'max_ratio', max_ratio) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- if column_name is not none -%}
    {%- do strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model)) -%}
    {#- on a column the expression continues it, as in dbt-utils: `>= 0` -#}
    {%- set expression = strataqc.quote_identifier(column_name) ~ ' ' ~ expression -%}
  {%- endif -%}
-- the expression is project SQL (like a model's), written in YAML by the project
{{ strataqc.failing_share(label, model, strataqc.expression_false_condition(expression), 'count(*)', max_ratio, allow_empty,
     'rows make the expression false') }}
{% endmacro %}
