{#- Tests scoped to what the run wrote (`+strataqc_scope: new_rows` on an incremental model).

    The model's pre-hook `record_scope_watermark()` runs before the model builds and records,
    for this invocation, where the rows this run (re)writes begin: the highest value of the
    scope column already built, minus `strataqc_scope_lookback` periods the model rewrites
    (its reprocessing window). The tests of the model, later in the same `dbt build`, read
    that row (see `scope_window`). No row for the invocation (another invocation, a full
    refresh, a cadence night, an empty model) means the whole table. -#}

{#- The model's scope setting: config `strataqc_scope` (dbt_project.yml or the model), or meta. -#}
{% macro scope_setting(node_config) %}
  {%- set value = node_config.get('strataqc_scope') -%}
  {%- if value is none -%}
    {%- set value = (node_config.get('meta') or {}).get('strataqc_scope') -%}
  {%- endif -%}
  {{ return(value or 'whole_table') }}
{% endmacro %}

{#- The watermark table, or none when it does not exist: the project's on-run-start creates it
    (`on-run-start: "{% do strataqc.ensure_scope_watermark() %}"`); without it every test reads its whole table. -#}
{% macro scope_watermark_table() %}
  {%- set schema = var('strataqc_audit_schema', 'strataqc_audit') -%}
  {%- if adapter.get_relation(database=target.database, schema=schema, identifier='scope_watermark') is none -%}
    {{ return(none) }}
  {%- endif -%}
  {{ return(strataqc.quote_identifier(schema) ~ '.' ~ strataqc.quote_identifier('scope_watermark')) }}
{% endmacro %}

{% macro scope_model_key(relation) %}
  {{ return((relation.schema ~ '.' ~ relation.identifier) | lower) }}
{% endmacro %}

{#- Pre-hook of an incremental model (dbt_project.yml: `+pre-hook: "{{ strataqc.record_scope_watermark() }}"`).
    Renders the insert of tonight's watermark row; renders nothing when the model is not scoped. -#}
{% macro record_scope_watermark() %}
  {%- if not execute or config.get('materialized') not in ['incremental', 'view'] -%}{{ return('') }}{%- endif -%}
  {%- set setting = strataqc.scope_setting(config) -%}
  {%- if setting not in ['new_rows', 'whole_table'] -%}
    {{ exceptions.raise_compiler_error("strataqc_scope on " ~ this.identifier ~ ": '" ~ setting
       ~ "' is not a scope. Fix: set `+strataqc_scope: new_rows` (tests read the rows this run wrote) or `whole_table`") }}
  {%- endif -%}
  {%- set table = strataqc.scope_watermark_table() if setting == 'new_rows' else none -%}
  {%- if table is none -%}{{ return('') }}{%- endif -%}
  {%- set key = strataqc.scope_model_key(this) -%}
  {%- if config.get('materialized') == 'view' -%}{{ return(strataqc.record_view_scope_watermark(table, key)) }}{%- endif -%}
  {%- set mode, column, low, data_type = 'full', '', '', '' -%}
  {%- if is_incremental() and not var('strataqc_scope_full_check', false) and not strataqc.scope_cadence_due(table, key) -%}
    {%- set column = config.get('strataqc_scope_column') or config.get('unique_key') -%}
    {%- if column is not string or not column -%}
      {{ exceptions.raise_compiler_error("strataqc_scope on " ~ this.identifier
         ~ ": no scope column (the model's unique_key is not one column). Fix: set `strataqc_scope_column:` "
         ~ "to the column that grows with each run, e.g. a load id or a date") }}
    {%- endif -%}
    {%- set found = adapter.get_columns_in_relation(this) | selectattr('name', 'equalto', column) | list -%}
    {%- if not found -%}
      {%- set found = adapter.get_columns_in_relation(this) | selectattr('name', 'equalto', column | lower) | list -%}
    {%- endif -%}
    {%- if not found -%}
      {{ exceptions.raise_compiler_error("strataqc_scope_column on " ~ this.identifier ~ ": no column '" ~ column
         ~ "' in " ~ this ~ ". Fix: name a column of the model") }}
    {%- endif -%}
    {%- set data_type = found[0].data_type -%}
    {%- set lookback = config.get('strataqc_scope_lookback') or 0 -%}
    {%- set newest = 'max(' ~ strataqc.quote_identifier(column) ~ ')' -%}
    {%- set low_expr = dbt.dateadd('day', -(lookback | int), newest)
          if strataqc.type_family(data_type) in ['date', 'timestamp'] else newest ~ ' - ' ~ (lookback | int) -%}
    {%- set low = run_query('select ' ~ strataqc.to_text('cast(' ~ low_expr ~ ' as ' ~ data_type ~ ')') ~ ' from ' ~ this).columns[0].values()[0] -%}
    {%- if low is not none -%}{%- set mode = 'new_rows' -%}{%- endif -%}
  {%- endif -%}
  {#- run with the model, in its transaction: the row exists only if the model was built -#}
  {%- set values = [] -%}
  {%- for v in [key, invocation_id, mode, column, low or '', data_type, strataqc.run_clock().strftime('%Y-%m-%dT%H:%M:%S')] -%}
    {%- do values.append(strataqc.string_literal(v | string)) -%}
  {%- endfor -%}
  {{ return('insert into ' ~ table ~ ' (model_key, invocation_id, scope_mode, scope_column, low_value, data_type, recorded_at) values ('
      ~ values | join(', ') ~ ')') }}
{% endmacro %}

{#- A cadence night reads the whole table: var strataqc_scope_full_every (days, default 7; 0 never)
    since the model's last whole-table night (a full refresh counts). -#}
{% macro scope_cadence_due(table, key) %}
  {%- set every = var('strataqc_scope_full_every', 7) | int -%}
  {%- if every <= 0 -%}{{ return(false) }}{%- endif -%}
  {%- set last = run_query('select max(recorded_at) from ' ~ table ~ ' where model_key = ' ~ strataqc.string_literal(key)
                           ~ " and scope_mode = 'full'").columns[0].values()[0] -%}
  {%- if not last -%}{{ return(true) }}{%- endif -%}
  {%- set last = modules.datetime.datetime.strptime(last | string, '%Y-%m-%dT%H:%M:%S') -%}
  {%- set now = strataqc.run_clock() -%}
  {{ return((now - last).days >= every) }}
{% endmacro %}

{#- The window of a scoped model for the test being compiled: {'column', 'filter'} or none
    (the whole table). An empty slice is none too: nothing new, and an empty relation would
    fail every test that refuses empty models; so is a slice holding every row. -#}
{% macro scope_window(relation) %}
  {%- if not execute or relation.identifier is not defined or not relation.identifier -%}{{ return(none) }}{%- endif -%}
  {#- once per relation and invocation: the window is fixed once the model is built, and its tests
      (each compiled on its own) would otherwise read it again, two queries each. The invocation's
      graph is the one object every node of it sees -#}
  {%- set known = graph.setdefault('strataqc_scope_windows', {}) -%}
  {%- set cache_key = invocation_id ~ ' ' ~ (relation | string | lower) -%}
  {%- if cache_key in known -%}{{ return(known[cache_key]) }}{%- endif -%}
  {%- set window = strataqc.find_scope_window(relation) -%}
  {%- do known.update({cache_key: window}) -%}
  {{ return(window) }}
{% endmacro %}

{% macro find_scope_window(relation) %}
  {%- set node = namespace(found=none) -%}
  {%- for n in graph.nodes.values() if n.resource_type == 'model' and node.found is none -%}
    {%- if (n.alias or n.name) | lower == relation.identifier | lower and (n.schema | lower) == (relation.schema | lower) -%}
      {%- set node.found = n -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if node.found is none or node.found.config.materialized not in ['incremental', 'view']
        or strataqc.scope_setting(node.found.config) != 'new_rows' -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set table = strataqc.scope_watermark_table() -%}
  {%- if table is none -%}{{ return(none) }}{%- endif -%}
  {%- set rows = run_query('select scope_mode, scope_column, low_value, data_type from ' ~ table
        ~ ' where model_key = ' ~ strataqc.string_literal(strataqc.scope_model_key(relation))
        ~ ' and invocation_id = ' ~ strataqc.string_literal(invocation_id) ~ " and scope_mode in ('new_rows', 'full')").rows -%}
  {%- if rows | length == 0 or rows[0][0] != 'new_rows' -%}{{ return(none) }}{%- endif -%}
  {%- set column = strataqc.quote_identifier(rows[0][1]) -%}
  {%- set filter = column ~ ' > cast(' ~ strataqc.string_literal(rows[0][2]) ~ ' as ' ~ rows[0][3] ~ ')' -%}
  {#- new rows and their first scope value (one scan of the slice), and whether any row lies outside the
      slice (the first one found is enough) -#}
  {%- set counted = run_query('select strataqc_new.new_rows, strataqc_new.first_new, '
        ~ '(select count(*) from (select 1 as one from ' ~ relation ~ ' where coalesce(' ~ filter ~ ', false) = false '
        ~ 'limit 1) strataqc_older) as older_rows from (select count(*) as new_rows, '
        ~ strataqc.to_text('min(' ~ column ~ ')') ~ ' as first_new from ' ~ relation ~ ' where ' ~ filter
        ~ ') strataqc_new').rows[0] -%}
  {#- none new: nothing to read; none older (a table the load replaces whole, such as a master file's):
      the slice is the table, and its tests read the table as every other night does -#}
  {%- if not counted[0] or not counted[2] -%}{{ return(none) }}{%- endif -%}
  {{ return({'column': column, 'filter': filter, 'low': rows[0][2],
             'first': 'cast(' ~ strataqc.string_literal(counted[1]) ~ ' as ' ~ rows[0][3] ~ ')'}) }}
{% endmacro %}

{#- A view over an append-only table (ODS over landing) holds every load ever landed. Its tests read
    the loads that arrived since the last night that checked it. Three rows per view and invocation:
      new_rows | full   what tonight's tests read: `scope_column > low_value`, low_value the last
                        checked value; full on a full refresh, a cadence night, or before any night
                        checked the view
      seen              the highest scope value present when the view was built
      checked           the seen value again, written by `record_scope_checked` at the end of the
                        invocation only when every test of the view ran: a night whose tests failed
                        to run or were skipped leaves the mark where it was, and the next night
                        reads those loads again -#}
{% macro record_view_scope_watermark(table, key) %}
  {%- set column = config.get('strataqc_scope_column') -%}
  {%- if column is not string or not column -%}
    {{ exceptions.raise_compiler_error("strataqc_scope on " ~ this.identifier
       ~ ": a view needs the column that grows with each load. Fix: set `strataqc_scope_column:` "
       ~ "to it, e.g. `_load_id` of a view over a landing table that loads append to") }}
  {%- endif -%}
  {%- set mode, low, data_type = 'full', '', '' -%}
  {%- set built = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
  {%- if built is not none and not should_full_refresh() and not var('strataqc_scope_full_check', false)
        and not strataqc.scope_cadence_due(table, key) -%}
    {%- set found = adapter.get_columns_in_relation(built) | selectattr('name', 'in', [column, column | lower]) | list -%}
    {%- if not found -%}
      {{ exceptions.raise_compiler_error("strataqc_scope_column on " ~ this.identifier ~ ": no column '" ~ column
         ~ "' in " ~ this ~ ". Fix: name a column of the view") }}
    {%- endif -%}
    {#- the newest mark; two runs of one simulated night share their clock: the higher mark is the later -#}
    {%- set checked = run_query('select low_value from ' ~ table ~ ' where model_key = ' ~ strataqc.string_literal(key)
          ~ " and scope_mode = 'checked' order by recorded_at desc, cast(low_value as " ~ found[0].data_type
          ~ ') desc limit 1').rows -%}
    {%- if checked | length > 0 and checked[0][0] -%}
      {%- set mode, low, data_type = 'new_rows', checked[0][0], found[0].data_type -%}
    {%- endif -%}
  {%- endif -%}
  {%- set fixed = [] -%}
  {%- for v in [key, invocation_id] -%}{%- do fixed.append(strataqc.string_literal(v)) -%}{%- endfor -%}
  {%- set at = strataqc.string_literal(strataqc.run_clock().strftime('%Y-%m-%dT%H:%M:%S')) -%}
  {%- set q = strataqc.string_literal(column) -%}
  {#- the view's own query: the relation may not exist yet, or still be last night's definition -#}
  {{ return('insert into ' ~ table ~ ' (model_key, invocation_id, scope_mode, scope_column, low_value, data_type, recorded_at) '
      ~ 'select ' ~ fixed | join(', ') ~ ', ' ~ strataqc.string_literal(mode) ~ ', ' ~ q ~ ', ' ~ strataqc.string_literal(low)
      ~ ', ' ~ strataqc.string_literal(data_type) ~ ', ' ~ at
      ~ ' union all select ' ~ fixed | join(', ') ~ ", 'seen', " ~ q ~ ', '
      ~ strataqc.to_text('max(' ~ strataqc.quote_identifier(column) ~ ')') ~ ', ' ~ strataqc.string_literal(data_type) ~ ', ' ~ at
      ~ ' from (\n' ~ model.compiled_code ~ '\n) strataqc_view') }}
{% endmacro %}

{#- on-run-end (`on-run-end: "{% do strataqc.record_scope_checked(results) %}"`): a scoped view built
    in this invocation whose every test ran (pass, warn or fail: not skipped, not errored, none left
    out of the selection) is checked up to the value it saw. Its tests: the generic tests attached
    to it and the singular tests that read it. -#}
{% macro record_scope_checked(results) %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set table = strataqc.scope_watermark_table() -%}
  {%- if table is none -%}{{ return('') }}{%- endif -%}
  {%- set status = {} -%}
  {%- for r in results -%}{%- do status.update({r.node.unique_id: r.status | string | lower}) -%}{%- endfor -%}
  {%- set keys = [] -%}
  {%- for r in results if r.node.resource_type == 'model' and r.node.config.materialized == 'view'
        and strataqc.scope_setting(r.node.config) == 'new_rows' and status[r.node.unique_id] == 'success' -%}
    {%- set tests = [] -%}
    {%- for n in graph.nodes.values() if n.resource_type == 'test' -%}
      {%- if n.attached_node == r.node.unique_id or (not n.attached_node and r.node.unique_id in n.depends_on.nodes) -%}
        {%- do tests.append(status.get(n.unique_id) in ['pass', 'warn', 'fail']) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- if tests and false not in tests -%}
      {%- do keys.append(strataqc.string_literal(((r.node.schema ~ '.' ~ (r.node.alias or r.node.name)) | lower))) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if keys -%}
    {%- do strataqc.write_and_commit('insert into ' ~ table
          ~ ' (model_key, invocation_id, scope_mode, scope_column, low_value, data_type, recorded_at)'
          ~ " select model_key, invocation_id, 'checked', scope_column, low_value, data_type, recorded_at from " ~ table
          ~ ' where invocation_id = ' ~ strataqc.string_literal(invocation_id) ~ " and scope_mode = 'seen'"
          ~ ' and model_key in (' ~ keys | join(', ') ~ ')') -%}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}
