{#- The SQL that merges an audited slice into the published table: delete+insert on the model's
    unique_key, or an append when it has none. `arg_dict` is what dbt handed the incremental strategy. -#}
{% macro publish_slice(arg_dict, staging) %}
  {{ return(adapter.dispatch('publish_slice', 'strataqc')(arg_dict, staging)) }}
{% endmacro %}

{% macro default__publish_slice(arg_dict, staging) %}
  {%- set args = {} -%}
  {%- do args.update(arg_dict) -%}
  {%- do args.update({'temp_relation': staging}) -%}
  {%- if arg_dict['unique_key'] -%}
    {{ return(get_incremental_delete_insert_sql(args)) }}
  {%- endif -%}
  {{ return(get_incremental_append_sql(args)) }}
{% endmacro %}

{% macro spark__publish_slice(arg_dict, staging) %}
  {#- plain parquet tables have no DELETE: StrataQC's delete+insert rewrites the table through a stage -#}
  {%- if arg_dict['unique_key'] -%}
    {{ return(strataqc.spark_delete_insert_sql(staging, arg_dict['target_relation'], arg_dict['unique_key'])) }}
  {%- endif -%}
  {{ return(get_insert_into_sql(staging, arg_dict['target_relation'])) }}
{% endmacro %}
