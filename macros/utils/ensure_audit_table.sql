{#- Create `name` in the audit schema (var strataqc_audit_schema), once; returns its quoted name.
    `columns` is a list of [column, type] pairs, type `string` or `timestamp`. -#}
{% macro ensure_audit_table(name, columns) %}
  {{ return(adapter.dispatch('ensure_audit_table', 'strataqc')(name, columns)) }}
{% endmacro %}

{% macro default__ensure_audit_table(name, columns) %}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- set table = strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier(name) -%}
  {%- set types = {'string': dbt.type_string(), 'timestamp': dbt.type_timestamp()} -%}
  {%- set defined = [] -%}
  {%- for column, type in columns %}{% do defined.append(column ~ ' ' ~ types[type]) %}{% endfor -%}
  {%- if execute -%}
    {%- call statement('strataqc_' ~ name ~ '_ddl') -%}
      create schema if not exists {{ strataqc.quote_identifier(schema) }};
      create table if not exists {{ table }} ({{ defined | join(', ') }});
    {%- endcall -%}
    {#- committed at once: tests roll their own transaction back, and the models' hooks and the
        tests read the table in transactions of their own -#}
    {%- do adapter.commit() -%}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}

{% macro spark__ensure_audit_table(name, columns) %}
  {#- Spark runs one statement per call (the default sends schema and table DDL together) and has
      no transactions to commit. A Hive table: models building side by side append their rows at once,
      each insert through a staging folder of its own (a data-source table's inserts share one
      `_temporary` folder, and one insert's clean-up removes another's files) -#}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- set table = strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier(name) -%}
  {%- set defined = [] -%}
  {%- for column, type in columns %}{% do defined.append(column ~ ' ' ~ type) %}{% endfor -%}
  {%- if execute -%}
    {%- do run_query('create schema if not exists ' ~ strataqc.quote_identifier(schema)) -%}
    {%- do run_query('create table if not exists ' ~ table ~ ' (' ~ defined | join(', ') ~ ') stored as parquet') -%}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}
