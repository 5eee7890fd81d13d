{% test string_length(model, column_name, min_length=none, max_length=none, max_ratio=0, allow_empty=false) %}
  {{ return(adapter.dispatch('test_string_length', 'strataqc')(model, column_name, min_length, max_length, max_ratio, allow_empty)) }}
{% endtest %}

{% macro default__test_string_length(model, column_name, min_length, max_length, max_ratio, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('string_length', model, column_name) -%}
  {%- set bounds = strataqc.normalize_lengths(label, min_length, max_length) -%}
  {%- set max_ratio = strataqc.require_ratio(label, 'max_ratio', max_ratio) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
-- length counts characters on every engine, not bytes
{{ strataqc.failing_share(label, model, strataqc.length_condition(col, family, bounds), 'count(' ~ col ~ ')', max_ratio, allow_empty,
     'values have a length outside ' ~ (bounds.min_length if bounds.min_length is not none else 0) ~ ' .. ' ~ (bounds.max_length if bounds.max_length is not none else 'any')) }}
{% endmacro %}
