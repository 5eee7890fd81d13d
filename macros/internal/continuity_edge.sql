{#- What a scoped date_continuity reads: the rows from `first_new` on, and each series' last period
    before them (a gap touching the new rows starts there).

    The last period is looked for among the 7 periods before the new rows first. Only the
    series of the new rows with no row there (back after a long gap, or new) read the older history,
    so a night does not group the whole table by series to find an edge that is almost always
    yesterday's. Series are matched on NULL-free keys (a flag and the text of each column), so a NULL
    group is a series like any other and every engine hashes the match. -#}
{% macro continuity_edge(base, d, groups, first_new, interval) %}
  {%- set lookback = dbt.dateadd(interval, -7, first_new) -%}
  {%- set window_rows = 'select ' ~ (groups + [d]) | join(', ') ~ ' from ' ~ base ~ ' where ' ~ d ~ ' >= ' ~ first_new -%}
  {%- if not groups -%}
    {{ return('(' ~ window_rows ~ ' union all select max(' ~ d ~ ') as ' ~ d ~ ' from ' ~ base
        ~ ' where ' ~ d ~ ' < ' ~ first_new ~ ')') }}
  {%- endif -%}
  {%- set g = groups | join(', ') -%}
  {%- set keys, matches = [], [] -%}
  {%- for c in groups -%}
    {%- do keys.append('case when ' ~ c ~ ' is null then 1 else 0 end as strataqc_null_' ~ loop.index) -%}
    {%- do keys.append('coalesce(' ~ strataqc.to_text(c) ~ ", '') as strataqc_key_" ~ loop.index) -%}
    {%- do matches.append('strataqc_orphan.strataqc_null_' ~ loop.index ~ ' = case when strataqc_old.' ~ c
        ~ ' is null then 1 else 0 end') -%}
    {%- do matches.append('strataqc_orphan.strataqc_key_' ~ loop.index ~ ' = coalesce('
        ~ strataqc.to_text('strataqc_old.' ~ c) ~ ", '')") -%}
  {%- endfor -%}
  {%- set recent = d ~ ' < ' ~ first_new ~ ' and ' ~ d ~ ' >= ' ~ lookback -%}
  {%- set orphans = 'select ' ~ keys | join(', ') ~ ' from ' ~ base ~ ' where ' ~ d ~ ' >= ' ~ first_new
      ~ ' except select ' ~ keys | join(', ') ~ ' from ' ~ base ~ ' where ' ~ recent -%}
  {{ return('(' ~ window_rows
      ~ ' union all select ' ~ g ~ ', max(' ~ d ~ ') as ' ~ d ~ ' from ' ~ base ~ ' where ' ~ recent ~ ' group by ' ~ g
      ~ ' union all select ' ~ g ~ ', max(' ~ d ~ ') as ' ~ d ~ ' from ' ~ base ~ ' as strataqc_old where ' ~ d
      ~ ' < ' ~ lookback ~ ' and exists (select 1 from (' ~ orphans ~ ') strataqc_orphan where '
      ~ matches | join(' and ') ~ ') group by ' ~ g ~ ')') }}
{% endmacro %}
