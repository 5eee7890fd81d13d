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
      no transactions to commit. Models and tests building side by side append to these tables at
      the same instant (threads > 1 on a Thrift cluster), so every insert must stage its files in a
      folder of its own. A Hive table in a format Spark writes through Hive's own path (RCFile, binary
      columnar: any string round-trips) does: each insert writes under a `.hive-staging_*` folder of
      its own, then the metastore moves its files in. Parquet does not, as a data-source table nor as
      a Hive table `stored as parquet` (spark.sql.hive.convertMetastoreParquet turns an insert into it
      into the data-source write): both commit through the table's one `_temporary/0`, and one
      insert's commit moves or deletes another's files (FileNotFoundException: .../_temporary/0 does
      not exist; rows of the failed insert kept, or of the other lost). -#}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- set table = strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier(name) -%}
  {%- set defined = [] -%}
  {%- for column, type in columns %}{% do defined.append(strataqc.quote_identifier(column) ~ ' ' ~ type) %}{% endfor -%}
  {%- if execute -%}
    {%- do run_query('create schema if not exists ' ~ strataqc.quote_identifier(schema)) -%}
    {%- do run_query('create table if not exists ' ~ table ~ ' (' ~ defined | join(', ') ~ ') stored as rcfile') -%}
  {%- endif -%}
  {{ return(table) }}
{% endmacro %}
