{% test regex_match(model, column_name, pattern=none, match_on='any', case_sensitive=true, max_ratio=0, allow_empty=false) %}
  {{ return(adapter.dispatch('test_regex_match', 'strataqc')(model, column_name, pattern, match_on, case_sensitive, max_ratio, allow_empty)) }}
{% endtest %}

{% macro default__test_regex_match(model, column_name, pattern, match_on, case_sensitive, max_ratio, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {{ return(strataqc.regex_share('regex_match', model, column_name, pattern, match_on, case_sensitive, max_ratio, allow_empty, false)) }}
{% endmacro %}

{#- regex_match and regex_not_match differ only in which rows fail -#}
{% macro regex_share(test, model, column_name, pattern, match_on, case_sensitive, max_ratio, allow_empty, negate) %}
  {%- set label = strataqc.check_label(test, model, column_name) -%}
  {%- set patterns = strataqc.normalize_patterns(label, pattern) -%}
  {%- set match_on = strataqc.require_choice(label, 'match_on', match_on, ['any', 'all'], 'any') -%}
  {%- set case_sensitive = strataqc.require_bool(label, 'case_sensitive', case_sensitive, true) -%}
  {%- set max_ratio = strataqc.require_ratio(label, 'max_ratio', max_ratio) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set family = strataqc.type_family(strataqc.require_column_exists(label, 'column_name', column_name, strataqc.column_types(model))) -%}
  {%- set col = strataqc.quote_identifier(column_name) -%}
  {%- set what = ('values match ' if negate else 'values do not match ') ~ (match_on ~ ' of ' if patterns | length > 1 else '') ~ 'the pattern' ~ ('s' if patterns | length > 1 else '') -%}
  {{ return(strataqc.failing_share(label, model, strataqc.regex_condition(col, family, patterns, match_on, case_sensitive, negate),
       'count(' ~ col ~ ')', max_ratio, allow_empty, what)) }}
{% endmacro %}
