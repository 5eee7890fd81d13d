{#- How many of its last days an incremental `ads_demand_features` rebuilds: the days whose features or
    target a night can change, that is the forward windows (7 days ahead) of the days DWS rebuilds
    (var strataqc_reprocess_days), plus one. A day that only moves from valid to train keeps its rows
    and is relabelled in place (`demo_relabel_train`). Spark's plain parquet tables take no UPDATE:
    there the model rebuilds every day a label can change on, the last 21 (7 predict + 14 valid). -#}
{% macro demo_rebuild_days() %}
  {{ return(adapter.dispatch('demo_rebuild_days', 'strataqc')()) }}
{% endmacro %}

{% macro default__demo_rebuild_days() %}
  {{ return(var('strataqc_reprocess_days', 2) | int + 8) }}
{% endmacro %}

{% macro spark__demo_rebuild_days() %}
  {{ return([21, var('strataqc_reprocess_days', 2) | int + 8] | max) }}
{% endmacro %}
