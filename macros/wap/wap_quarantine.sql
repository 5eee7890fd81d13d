{#- Append the held-back slice to `<model>__quarantine`: its rows as they were, plus the dbt
    invocation id, the run's start time, the failing audits' names and their first messages.
    Created on the first hold; later holds append, in the quarantine's own column order (a column
    the slice lacks is NULL). Returns the number of rows held back. -#}
{% macro wap_quarantine(staging, quarantine, failed) %}
  {%- set names = [] -%}
  {%- set messages = [] -%}
  {%- for f in failed -%}
    {%- do names.append(f['name']) -%}
    {%- if f['message'] %}{% do messages.append(f['name'] ~ ': ' ~ f['message']) %}{% endif -%}
  {%- endfor -%}
  {%- set text = dbt.type_string() -%}
  {%- set stamp = {
      'strataqc_run_id': 'cast(' ~ strataqc.string_literal(invocation_id) ~ ' as ' ~ text ~ ')',
      'strataqc_held_at': 'cast(' ~ strataqc.string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) ~ ' as ' ~ dbt.type_timestamp() ~ ')',
      'strataqc_failed_checks': 'cast(' ~ strataqc.string_literal(names | join(', ')) ~ ' as ' ~ text ~ ')',
      'strataqc_messages': 'cast(' ~ strataqc.string_literal(messages | join(' | ')) ~ ' as ' ~ text ~ ')',
  } -%}
  {%- set slice_columns = adapter.get_columns_in_relation(staging) -%}
  {%- set existing = adapter.get_relation(quarantine.database, quarantine.schema, quarantine.identifier) -%}
  {%- set select = [] -%}
  {%- if existing is none -%}
    {%- for c in slice_columns %}{% do select.append('held.' ~ c.quoted) %}{% endfor -%}
    {%- for name, expr in stamp.items() %}{% do select.append(expr ~ ' as ' ~ name) %}{% endfor -%}
    {%- do run_query(create_table_as(False, quarantine, 'select ' ~ select | join(', ') ~ ' from ' ~ staging ~ ' held')) -%}
  {%- else -%}
    {%- set present = slice_columns | map(attribute='name') | map('lower') | list -%}
    {%- for c in adapter.get_columns_in_relation(existing) -%}
      {%- set name = c.name | lower -%}
      {%- if name in stamp -%}
        {%- do select.append(stamp[name]) -%}
      {%- elif name in present -%}
        {%- do select.append('held.' ~ c.quoted) -%}
      {%- else -%}
        {%- do select.append('cast(null as ' ~ c.data_type ~ ')') -%}
      {%- endif -%}
    {%- endfor -%}
    {%- do run_query('insert into ' ~ existing ~ ' select ' ~ select | join(', ') ~ ' from ' ~ staging ~ ' held') -%}
  {%- endif -%}
  {%- set counted = run_query('select count(*) from ' ~ staging) -%}
  {{ return(counted.rows[0][0] | int) }}
{% endmacro %}
