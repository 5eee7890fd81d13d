{% test reconcile_sum(model, column=none, compare_model=none, compare_column=none, tolerance_ratio=0, group_by=none, allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('reconcile_sum', model, kwargs) -%}
  {{ return(adapter.dispatch('test_reconcile_sum', 'strataqc')(model, column, compare_model, compare_column, tolerance_ratio, group_by, allow_empty)) }}
{% endtest %}

{% macro default__test_reconcile_sum(model, column, compare_model, compare_column, tolerance_ratio, group_by, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('reconcile_sum', model) -%}
  {%- set column = strataqc.require_name(label, 'column', column, example='units') -%}
  {%- set compare_model = strataqc.require_relation(label, 'compare_model', compare_model) -%}
  {#- the compared column defaults to the same name -#}
  {%- set compare_column = strataqc.require_name(label, 'compare_column', compare_column, required=false) or column -%}
  {%- set tolerance_ratio = strataqc.require_number(label, 'tolerance_ratio', tolerance_ratio, minimum=0, example='0.01') or 0 -%}
  {%- set groups = strataqc.quote_all(strataqc.require_names(label, 'group_by', group_by)) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- do strataqc.require_column_exists(label, 'column', column, strataqc.column_types(model)) -%}
  {%- do strataqc.require_column_exists(label, 'compare_column', compare_column, strataqc.column_types(compare_model)) -%}
{{ strataqc.reconcile_totals(label ~ ' vs ' ~ strataqc.relation_label(compare_model) ~ '.' ~ compare_column, model,
     'sum(' ~ strataqc.quote_identifier(column) ~ ')', compare_model, 'sum(' ~ strataqc.quote_identifier(compare_column) ~ ')',
     groups, tolerance_ratio, allow_empty, 'sum of ' ~ column,
     this_count='count(' ~ strataqc.quote_identifier(column) ~ ')', compare_count='count(' ~ strataqc.quote_identifier(compare_column) ~ ')',
     nothing='neither model has a non-NULL value to sum') }}
{% endmacro %}
