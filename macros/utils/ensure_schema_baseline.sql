{#- Create the table `schema_unchanged` keeps baselines in, once. Returns its name. -#}
{% macro ensure_schema_baseline() %}
  {{ return(adapter.dispatch('ensure_schema_baseline', 'strataqc')()) }}
{% endmacro %}

{% macro default__ensure_schema_baseline() %}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- set table = strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier('schema_baseline') -%}
  {%- if execute -%}
    {%- call statement('strataqc_schema_baseline_ddl') -%}
      create schema if not exists {{ strataqc.quote_identifier(schema) }};
      create table if not exists {{ table }} (
        model_key {{ dbt.type_string() }},
        column_name {{ dbt.type_string() }},
        data_type {{ dbt.type_string() }},
        type_family {{ dbt.type_string() }},
        recorded_at {{ dbt.type_timestamp() }}
      );
    {%- endcall -%}
    {#- tests roll their transaction back; DDL must be committed to stay -#}
    {%- do adapter.commit() -%}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}

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
