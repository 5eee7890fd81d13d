{#- Create the table the scoped tests read their window from, once. Returns its name. Run it from
    on-run-start, before models build side by side (two threads creating it at once conflict). -#}
{% macro ensure_scope_watermark() %}
  {{ return(adapter.dispatch('ensure_scope_watermark', 'strataqc')()) }}
{% endmacro %}

{% macro default__ensure_scope_watermark() %}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- set table = strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier('scope_watermark') -%}
  {%- if execute -%}
    {%- call statement('strataqc_scope_watermark_ddl') -%}
      create schema if not exists {{ strataqc.quote_identifier(schema) }};
      create table if not exists {{ table }} (
        model_key {{ dbt.type_string() }},
        invocation_id {{ dbt.type_string() }},
        scope_mode {{ dbt.type_string() }},
        scope_column {{ dbt.type_string() }},
        low_value {{ dbt.type_string() }},
        data_type {{ dbt.type_string() }},
        recorded_at {{ dbt.type_string() }}
      );
    {%- endcall -%}
    {#- committed at once: the models' hooks and the tests read it in their own transactions -#}
    {%- do adapter.commit() -%}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}

{% macro spark__ensure_scope_watermark() %}
  {#- Spark runs one statement per call and has no transactions to commit -#}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- set table = strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier('scope_watermark') -%}
  {%- if execute -%}
    {%- do run_query('create schema if not exists ' ~ strataqc.quote_identifier(schema)) -%}
    {%- do run_query('create table if not exists ' ~ table ~ ' (model_key string, invocation_id string, '
                     ~ 'scope_mode string, scope_column string, low_value string, data_type string, recorded_at string)') -%}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}
