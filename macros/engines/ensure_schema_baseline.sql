{#- Engine overrides of `strataqc.ensure_schema_baseline`. -#}

{% macro spark__ensure_schema_baseline() %}
  {#- Spark runs one statement per call (the default sends schema and table DDL together) and has
      no transactions to commit -#}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- set table = strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier('schema_baseline') -%}
  {%- if execute -%}
    {%- do run_query('create schema if not exists ' ~ strataqc.quote_identifier(schema)) -%}
    {%- do run_query('create table if not exists ' ~ table ~ ' (model_key string, column_name string, '
                     ~ 'data_type string, type_family string, recorded_at timestamp)') -%}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}
