{#- The audits of a write–audit–publish model are its own generic tests, read from dbt's graph and
    run against the staged slice instead of the published table. By default: every test of the
    model at error severity whose arguments name no other model (a reconcile_* test compares with an
    upstream model, and a slice alone is not the whole table). `strataqc_audits: [test name, ...]`
    picks them by name instead. Each test keeps its `where`, `fail_calc` and `error_if`. -#}
{% macro wap_audits(label) %}
  {%- set wanted = config.get('strataqc_audits') -%}
  {%- if wanted is not none and (wanted is string or wanted is mapping) -%}
    {{ exceptions.raise_compiler_error(label ~ ": config `strataqc_audits` must be a list of the model's test names, got "
       ~ (wanted | tojson) ~ ". Fix: e.g. `strataqc_audits: [unique_key_" ~ model.name ~ "]`") }}
  {%- endif -%}
  {%- set by_name = {} -%}
  {%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'test' and node.attached_node == model.unique_id and node.test_metadata -%}
      {%- do by_name.update({node.name: node}) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- set chosen = [] -%}
  {%- if wanted is not none -%}
    {%- for name in wanted -%}
      {%- if name not in by_name -%}
        {{ exceptions.raise_compiler_error(label ~ ": `strataqc_audits` names " ~ (name | tojson)
           ~ ", which is not a generic test of this model. Fix: use one of: " ~ (by_name.keys() | sort | join(', ') or 'none: add a test to the model')) }}
      {%- endif -%}
      {%- if strataqc.wap_reads_other_models(by_name[name]) -%}
        {{ exceptions.raise_compiler_error(label ~ ": `strataqc_audits` names " ~ name
           ~ ", which compares with another model; tonight's slice alone cannot pass it. Fix: leave it out of"
           ~ " strataqc_audits (it still runs on the published table after the model)") }}
      {%- endif -%}
      {%- do chosen.append(by_name[name]) -%}
    {%- endfor -%}
  {%- else -%}
    {%- for name in by_name | sort -%}
      {%- set test = by_name[name] -%}
      {%- if (test.config.severity | lower) == 'error' and not strataqc.wap_reads_other_models(test) -%}
        {%- do chosen.append(test) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
  {%- if not chosen -%}
    {#- publishing unaudited would be write-publish with a promise on top: refuse -#}
    {{ exceptions.raise_compiler_error(label ~ ": no test to audit the slice with. Fix: give the model a"
       ~ " generic test at error severity (e.g. strataqc.unique_key) or name its tests in `strataqc_audits`") }}
  {%- endif -%}
  {{ return(chosen) }}
{% endmacro %}

{% macro wap_reads_other_models(test) %}
  {%- set args = {} -%}
  {%- for key, value in test.test_metadata.kwargs.items() if key != 'model' %}{% do args.update({key: value}) %}{% endfor -%}
  {%- set text = args | tojson -%}
  {{ return(test.depends_on.nodes | length > 1 or '{{' in text or '{%' in text) }}
{% endmacro %}

{#- One row per failing audit: {name, failures, message}; `message` is the first failing row's
    message column when the test has one (StrataQC's tests do). -#}
{% macro wap_run_audits(audits, staging) %}
  {%- set failed = [] -%}
  {%- for test in audits -%}
    {%- set sql = strataqc.wap_audit_sql(test, staging) -%}
    {%- set fail_calc = test.config.fail_calc or 'count(*)' -%}
    {%- set error_if = test.config.error_if or '!= 0' -%}
    {%- set counted = run_query("select failures, case when failures " ~ error_if ~ " then 1 else 0 end as blocks"
        ~ " from (select " ~ fail_calc ~ " as failures from (\n" ~ sql ~ "\n) strataqc_audit) strataqc_counted") -%}
    {%- set failures = counted.rows[0][0] -%}
    {{ log(test.name ~ " on the slice: " ~ failures ~ " failing", info=false) }}
    {%- if counted.rows[0][1] | int == 1 -%}
      {%- set sample = run_query("select * from (\n" ~ sql ~ "\n) strataqc_audit limit 1") -%}
      {%- set columns = sample.column_names | map('lower') | list -%}
      {%- set message = sample.rows[0][columns.index('message')] if ('message' in columns and sample.rows) else '' -%}
      {%- do failed.append({'name': test.name, 'failures': failures | int, 'message': message or ''}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(failed) }}
{% endmacro %}

{#- The test's SQL on the staged slice: its macro called with the test's own arguments, `model`
    swapped for the staging relation (wrapped in the test's `where`, as dbt's get_where_subquery does) -#}
{% macro wap_audit_sql(test, staging) %}
  {%- set meta = test.test_metadata -%}
  {%- set scope = context[meta.namespace] if (meta.namespace and meta.namespace in context) else context -%}
  {%- set test_macro = scope.get('test_' ~ meta.name) -%}
  {%- if test_macro is none -%}
    {{ exceptions.raise_compiler_error("strataqc write-audit-publish on " ~ model.name ~ ": no macro test_" ~ meta.name
       ~ " for the audit " ~ test.name ~ ". Fix: leave it out of strataqc_audits") }}
  {%- endif -%}
  {%- set where = test.config.where -%}
  {%- set relation = ('(select * from ' ~ staging ~ ' where ' ~ where ~ ') dbt_subquery') if where else staging -%}
  {%- set args = {} -%}
  {%- for key, value in meta.kwargs.items() if key != 'model' %}{% do args.update({key: value}) %}{% endfor -%}
  {{ return(test_macro(model=relation, **args)) }}
{% endmacro %}
