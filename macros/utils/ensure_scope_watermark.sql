{#- Create the table the scoped tests read their window from, once. Returns its name. Run it from
    on-run-start, before models build side by side (two threads creating it at once conflict). -#}
{% macro ensure_scope_watermark() %}
  {{ return(adapter.dispatch('ensure_scope_watermark', 'strataqc')()) }}
{% endmacro %}

{% macro default__ensure_scope_watermark() %}
  {{ return(strataqc.ensure_audit_table('scope_watermark', [
       ['model_key', 'string'], ['invocation_id', 'string'], ['scope_mode', 'string'], ['scope_column', 'string'],
       ['low_value', 'string'], ['data_type', 'string'], ['recorded_at', 'string']])) }}
{% endmacro %}
