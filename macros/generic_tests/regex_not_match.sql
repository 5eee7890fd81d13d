{% test regex_not_match(model, column_name, pattern=none, match_on='any', case_sensitive=true, max_ratio=0, allow_empty=false) %}
  {{ return(adapter.dispatch('test_regex_not_match', 'strataqc')(model, column_name, pattern, match_on, case_sensitive, max_ratio, allow_empty)) }}
{% endtest %}

{% macro default__test_regex_not_match(model, column_name, pattern, match_on, case_sensitive, max_ratio, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {{ return(strataqc.regex_share('regex_not_match', model, column_name, pattern, match_on, case_sensitive, max_ratio, allow_empty, true)) }}
{% endmacro %}
