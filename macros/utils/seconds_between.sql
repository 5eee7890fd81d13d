{#- Seconds elapsed from `start_expr` to `end_expr` (TIMESTAMPs) as a fractional number:
    elapsed time, not unit boundaries crossed (datediff counts those). -#}
{% macro seconds_between(start_expr, end_expr) %}
  {{ return(adapter.dispatch('seconds_between', 'strataqc')(start_expr, end_expr)) }}
{% endmacro %}

{% macro default__seconds_between(start_expr, end_expr) %}
  {{ return('((epoch_us(' ~ end_expr ~ ') - epoch_us(' ~ start_expr ~ ')) / 1000000.0)') }}
{% endmacro %}

{% macro postgres__seconds_between(start_expr, end_expr) %}
  {{ return('extract(epoch from (' ~ end_expr ~ ' - ' ~ start_expr ~ '))') }}
{% endmacro %}

{% macro spark__seconds_between(start_expr, end_expr) %}
  {{ return('((unix_micros(' ~ end_expr ~ ') - unix_micros(' ~ start_expr ~ ')) / 1000000.0)') }}
{% endmacro %}
