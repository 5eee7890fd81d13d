{#- Write–audit–publish, opt-in per incremental model: `incremental_strategy='strataqc_wap'`.
    dbt's incremental materialization has built tonight's slice (arg_dict.temp_relation) and asks
    this macro for the SQL that merges it into the published table. Before answering, the slice is
    written to `<model>__staging` and the model's audits (its own tests, see wap_audits) run against
    it. All pass: the returned SQL publishes the staging rows (delete+insert on unique_key, else
    append). One fails: the slice is appended to `<model>__quarantine` with the run id, the time
    and the failing checks, the published table is not touched, and the node ends in error
    (`strataqc_wap_on_fail: error`, the default) or with a warning (`warn`). -#}
{% macro get_incremental_strataqc_wap_sql(arg_dict) %}
  {%- set published = arg_dict['target_relation'] -%}
  {%- set label = 'strataqc write-audit-publish on ' ~ model.name -%}
  {%- set on_fail = config.get('strataqc_wap_on_fail', 'error') -%}
  {%- if on_fail not in ['error', 'warn'] -%}
    {{ exceptions.raise_compiler_error(label ~ ": config `strataqc_wap_on_fail` must be error or warn, got "
       ~ (on_fail | tojson) ~ ". Fix: set `strataqc_wap_on_fail: warn` to publish nothing but let the run go on") }}
  {%- endif -%}
  {%- set audits = strataqc.wap_audits(label) -%}
  {%- set staging = strataqc.wap_relation(published, 'staging') -%}
  {%- do strataqc.wap_replace_table(staging, 'select * from ' ~ arg_dict['temp_relation']) -%}
  {%- set failed = strataqc.wap_run_audits(audits, staging) -%}
  {%- if not failed -%}
    {%- set names = [] -%}
    {%- for a in audits %}{% do names.append(a.name) %}{% endfor -%}
    {{ log(label ~ ": the slice passed " ~ names | join(', ') ~ "; publishing it", info=true) }}
    {{ return(strataqc.publish_slice(arg_dict, staging)) }}
  {%- endif -%}
  {%- set quarantine = strataqc.wap_relation(published, 'quarantine') -%}
  {%- set held = strataqc.wap_quarantine(staging, quarantine, failed) -%}
  {%- do adapter.drop_relation(staging) -%}
  {#- the quarantine must outlive the error below: dbt rolls back what is not committed -#}
  {%- do adapter.commit() -%}
  {%- set names = [] -%}
  {%- for f in failed %}{% do names.append(f['name'] ~ ' (' ~ f['failures'] ~ ' failing)') %}{% endfor -%}
  {%- set message = label ~ ": held back " ~ held ~ " row(s) of tonight's slice; " ~ published
     ~ " is unchanged. Failing audit(s): " ~ names | join(', ')
     ~ (". First message: " ~ failed[0]['message'] if failed[0]['message'] else "")
     ~ ". The slice is kept in " ~ quarantine ~ " (strataqc_run_id = '" ~ invocation_id ~ "')" -%}
  {%- if on_fail == 'error' -%}
    {{ exceptions.raise_compiler_error(message) }}
  {%- endif -%}
  {%- do exceptions.warn(message) -%}
  -- held back: nothing is merged into the published table tonight
  {{ return('select 1 as strataqc_slice_held_back') }}
{% endmacro %}

{% macro wap_relation(published, role) %}
  {{ return(published.incorporate(path={"identifier": published.identifier ~ '__' ~ role}, type='table')) }}
{% endmacro %}

{% macro wap_replace_table(relation, sql) %}
  {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
  {%- if existing is not none -%}
    {%- do adapter.drop_relation(existing) -%}
  {%- endif -%}
  {%- do run_query(create_table_as(False, relation, sql)) -%}
{% endmacro %}
