{#- What a scoped date_continuity reads: the rows from `first_new` on, and each series' last period
    before them (a gap touching the new rows starts there).

    The last period is looked for among the 7 periods before the new rows first. Only the series
    of the new rows with no row there (back after a long gap, or new) read the older history, so a
    night does not group the whole table by series to find an edge that is almost always
    yesterday's. Those series are matched on the plain columns, which every engine hashes and
    which skips the older rows when there is no such series; a series with a NULL in its key is
    matched null-safely among the rows with a NULL only. -#}
{% macro continuity_edge(base, d, groups, first_new, interval) %}
  {%- set lookback = dbt.dateadd(interval, -7, first_new) -%}
  {%- set window_rows = 'select ' ~ (groups + [d]) | join(', ') ~ ' from ' ~ base ~ ' where ' ~ d ~ ' >= ' ~ first_new -%}
  {%- if not groups -%}
    {{ return('(' ~ window_rows ~ ' union all select max(' ~ d ~ ') as ' ~ d ~ ' from ' ~ base
        ~ ' where ' ~ d ~ ' < ' ~ first_new ~ ')') }}
  {%- endif -%}
  {%- set g = groups | join(', ') -%}
  {%- set recent = d ~ ' < ' ~ first_new ~ ' and ' ~ d ~ ' >= ' ~ lookback -%}
  {%- set no_null, some_null, same = [], [], [] -%}
  {%- for c in groups -%}
    {%- do no_null.append(c ~ ' is not null') -%}
    {%- do some_null.append(c ~ ' is null') -%}
    {%- do same.append(strataqc.null_safe_equals('strataqc_orphan.' ~ c, 'strataqc_old.' ~ c)) -%}
  {%- endfor -%}
  {%- set no_null, some_null = no_null | join(' and '), '(' ~ some_null | join(' or ') ~ ')' -%}
  {#- the series of the new rows without a row in the lookback, among the keys meeting `keys` -#}
  {%- set orphans = 'select ' ~ g ~ ' from ' ~ base ~ ' where ' ~ d ~ ' >= ' ~ first_new ~ ' and {keys} except select '
      ~ g ~ ' from ' ~ base ~ ' where ' ~ recent ~ ' and {keys}' -%}
  {%- set key = g if groups | length == 1 else '(' ~ g ~ ')' -%}
  {%- set last = 'select ' ~ g ~ ', max(' ~ d ~ ') as ' ~ d ~ ' from ' ~ base -%}
  {{ return('(' ~ window_rows
      ~ ' union all ' ~ last ~ ' where ' ~ recent ~ ' group by ' ~ g
      ~ ' union all ' ~ last ~ ' where ' ~ d ~ ' < ' ~ lookback ~ ' and ' ~ key ~ ' in ('
      ~ orphans.replace('{keys}', no_null) ~ ') group by ' ~ g
      ~ ' union all ' ~ last ~ ' as strataqc_old where ' ~ d ~ ' < ' ~ lookback ~ ' and ' ~ some_null
      ~ ' and exists (select 1 from (' ~ orphans.replace('{keys}', some_null) ~ ') strataqc_orphan where '
      ~ same | join(' and ') ~ ') group by ' ~ g ~ ')') }}
{% endmacro %}
