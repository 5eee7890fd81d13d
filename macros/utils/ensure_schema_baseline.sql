{#- Create the table `schema_unchanged` keeps baselines in, once. Returns its name. -#}
{% macro ensure_schema_baseline() %}
  {{ return(adapter.dispatch('ensure_schema_baseline', 'strataqc')()) }}
{% endmacro %}

{% macro default__ensure_schema_baseline() %}
  {{ return(strataqc.ensure_audit_table('schema_baseline', [
       ['model_key', 'string'], ['column_name', 'string'], ['data_type', 'string'], ['type_family', 'string'],
       ['recorded_at', 'timestamp']])) }}
{% endmacro %}
