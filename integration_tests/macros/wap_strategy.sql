{#- A host project reaches StrataQC's write-audit-publish strategy through its own macro of the
    strategy's name (dbt looks incremental strategies up in the root project only). On Spark, the
    shadows of dbt-spark's strategy macros hand `strataqc_wap` on the same way. -#}
{% macro get_incremental_strataqc_wap_sql(arg_dict) %}
  {{ return(strataqc.get_incremental_strataqc_wap_sql(arg_dict)) }}
{% endmacro %}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
  {{ return(strataqc.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
  {{ return(strataqc.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
{% endmacro %}
