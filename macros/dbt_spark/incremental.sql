{#- delete+insert incremental models on Spark. dbt-spark knows append / insert_overwrite /
    merge (Delta, Iceberg, Hudi only) / microbatch, none of which replaces the rows of a key on
    plain parquet tables; the demo models use delete+insert on every engine. These two shadow
    dbt-spark's macros of the same name (a root project's macro wins) and hand every other
    strategy on unchanged; `strataqc_wap` (write-audit-publish, macros/wap/) goes to StrataQC's strategy. -#}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
  {%- set known = ['append', 'merge', 'insert_overwrite', 'microbatch', 'delete+insert', 'strataqc_wap'] -%}
  {%- if raw_strategy not in known -%}
    {{ exceptions.raise_compiler_error("Invalid incremental strategy provided: " ~ raw_strategy
       ~ ". Expected one of: " ~ known | join(', ')) }}
  {%- endif -%}
  {%- if raw_strategy == 'merge' and file_format not in ['delta', 'iceberg', 'hudi'] -%}
    {{ exceptions.raise_compiler_error("Invalid incremental strategy provided: merge. You can only choose "
       ~ "this strategy when file_format is set to 'delta' or 'iceberg' or 'hudi'") }}
  {%- endif -%}
  {%- if raw_strategy in ['insert_overwrite', 'microbatch'] and target.endpoint -%}
    {{ exceptions.raise_compiler_error("Invalid incremental strategy provided: " ~ raw_strategy
       ~ ". You cannot use this strategy when connecting via endpoint") }}
  {%- endif -%}
  {{ return(raw_strategy) }}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
  {%- if strategy == 'append' -%}
    {{ get_insert_into_sql(source, target) }}
  {%- elif strategy in ['insert_overwrite', 'microbatch'] -%}
    {%- if strategy == 'microbatch' and not config.get('partition_by') -%}
      {{ exceptions.raise_compiler_error("dbt-spark 'microbatch' incremental strategy requires a `partition_by` config.") }}
    {%- endif -%}
    {{ get_insert_overwrite_sql(source, target, existing) }}
  {%- elif strategy == 'merge' -%}
    {{ get_merge_sql(target, source, unique_key, dest_columns=none, incremental_predicates=incremental_predicates) }}
  {%- elif strategy == 'delete+insert' -%}
    {{ strataqc.spark_delete_insert_sql(source, target, unique_key) }}
  {%- elif strategy == 'strataqc_wap' -%}
    {{ strataqc.get_incremental_strataqc_wap_sql({'target_relation': target, 'temp_relation': source, 'unique_key': unique_key,
                                                  'dest_columns': none, 'incremental_predicates': incremental_predicates}) }}
  {%- else -%}
    {{ exceptions.raise_compiler_error("No known SQL for the incremental strategy provided: " ~ strategy) }}
  {%- endif -%}
{% endmacro %}

{% macro spark_delete_insert_sql(source, target, unique_key) %}
  {#- a parquet table cannot delete rows, and Spark will not overwrite a table it reads in the same
      statement: the kept rows plus the new ones go to a staging table, which then overwrites the target -#}
  {%- set keys = [unique_key] if unique_key is string else unique_key -%}
  {%- set staged = target.incorporate(path={"identifier": target.identifier ~ "__strataqc_next"}) -%}
  {%- set cols = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
  {%- call statement('strataqc_delete_insert_stage') -%}
    drop table if exists {{ staged }}
  {%- endcall -%}
  {%- call statement('strataqc_delete_insert_stage') -%}
    create table {{ staged }} as
    select {{ cols }} from {{ target }} as kept
    where not exists (
      select 1 from {{ source }} as incoming
      where {% for k in keys %}incoming.{{ k }} <=> kept.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
    )
    union all
    select {{ cols }} from {{ source }}
  {%- endcall -%}
  insert overwrite table {{ target }} select {{ cols }} from {{ staged }}
{% endmacro %}
