{#- dbt's test materialization, with one change for `store_failures` (as a table): the audit table
    holds the rows of a test that warned or failed on its latest run, and no table is kept for a
    test that passed. dbt drops, creates and commits a table for every test, a passing one's empty:
    three statements a test, most of a second of dbt's own time a night for the demo's tests.

    So on an incremental night a test whose table is gone (it passed last time: the common case)
    runs its query alone, and stores its rows only when it now warns or fails (its query runs once
    more, that night only). A test whose table exists (it failed last time) stores its rows first as
    dbt does, and drops the table when it now passes. A full refresh (a new warehouse knows no last
    time) stores first for every test, as dbt does: no failing test runs twice. Views
    (`store_failures_as: view`) and tests that store nothing work as in dbt.

    It applies where this repository is the root project (the demo): an installed package cannot
    override a built-in materialization. A host project opts in with its own
    `{% materialization test, default %}{{ return(strataqc.materialization_test_default()) }}{% endmaterialization %}`. -#}
{%- materialization test, default -%}
  {% set relations = [] %}
  {% set limit = config.get('limit') %}
  {% set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none %}
  {% set fail_calc = config.get('fail_calc') %}
  {% set warn_if = config.get('warn_if') %}
  {% set error_if = config.get('error_if') %}

  {% set sql_with_limit %}
    {{ get_limit_subquery_sql(sql, limit) }}
  {% endset %}

  {% set storing = should_store_failures() %}
  {% set store_failures_as = config.get('store_failures_as') %}
  {% if store_failures_as == none %}{% set store_failures_as = 'table' %}{% endif %}
  {#- as dbt: judged only when storing (`store_failures: false` is `ephemeral`) -#}
  {% if storing and store_failures_as not in ['table', 'view'] %}
    {{ exceptions.raise_compiler_error(
        "'" ~ store_failures_as ~ "' is not a valid value for `store_failures_as`. "
        "Accepted values are: ['ephemeral', 'table', 'view']"
    ) }}
  {% endif %}
  {% set old_relation = adapter.get_relation(database=database, schema=schema, identifier=model['alias'])
       if storing else none %}
  {% set target_relation = api.Relation.create(identifier=model['alias'], schema=schema, database=database,
       type=store_failures_as) %}

  {% if storing and (store_failures_as == 'view' or old_relation or flags.FULL_REFRESH) %}
    {#- as dbt: the rows go to the audit relation, and the verdict is read from there -#}
    {% if old_relation %}
      {% do adapter.drop_relation(old_relation) %}
    {% endif %}
    {% call statement(auto_begin=True) %}
      {% if sql_header %}{{ sql_header }}{% endif %}
      {{ get_create_sql(target_relation, sql_with_limit) }}
    {% endcall %}
    {% do relations.append(target_relation) %}
    {% set main_sql %}
      select *
      from {{ target_relation }}
    {% endset %}
    {{ adapter.commit() }}
  {% else %}
    {% set main_sql = sql_with_limit %}
  {% endif %}

  {% call statement('main', fetch_result=True) -%}
    {% if sql_header %}{{ sql_header }}{% endif %}
    {{ get_test_sql(main_sql, fail_calc, warn_if, error_if, limit=none) }}
  {%- endcall %}

  {% if storing and store_failures_as == 'table' %}
    {% set verdict = load_result('main')['data'][0] %}
    {% set flagged = verdict[1] in [true, 1, 'true', 'True'] or verdict[2] in [true, 1, 'true', 'True'] %}
    {% if flagged and not relations %}
      {#- it passed last time and fails now: its rows, stored -#}
      {% call statement(auto_begin=True) %}
        {% if sql_header %}{{ sql_header }}{% endif %}
        {{ get_create_sql(target_relation, sql_with_limit) }}
      {% endcall %}
      {% do relations.append(target_relation) %}
      {{ adapter.commit() }}
    {% elif not flagged and relations %}
      {#- it failed last time and passes now: no table, so tomorrow it runs its query alone -#}
      {% do adapter.drop_relation(target_relation) %}
      {{ adapter.commit() }}
      {% set relations = [] %}
    {% endif %}
  {% endif %}

  {{ return({'relations': relations}) }}

{%- endmaterialization -%}
