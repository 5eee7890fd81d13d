{% test reconcile_row_count(model, compare_model=none, tolerance_ratio=0, group_by=none, allow_empty=false) %}
  {#- kwargs: a misplaced test's column_name is accepted here, then named (Jinja would refuse it) -#}
  {%- do strataqc.require_model_level('reconcile_row_count', model, kwargs) -%}
  {{ return(adapter.dispatch('test_reconcile_row_count', 'strataqc')(model, compare_model, tolerance_ratio, group_by, allow_empty)) }}
{% endtest %}

{% macro default__test_reconcile_row_count(model, compare_model, tolerance_ratio, group_by, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('reconcile_row_count', model) -%}
  {%- set compare_model = strataqc.require_relation(label, 'compare_model', compare_model) -%}
  {%- set tolerance_ratio = strataqc.require_number(label, 'tolerance_ratio', tolerance_ratio, minimum=0, example='0.01') or 0 -%}
  {%- set groups = strataqc.quote_all(strataqc.require_names(label, 'group_by', group_by)) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
{{ strataqc.reconcile_totals(label ~ ' vs ' ~ strataqc.relation_label(compare_model), model, 'count(*)', compare_model, 'count(*)',
     groups, tolerance_ratio, allow_empty, 'row count') }}
{% endmacro %}
