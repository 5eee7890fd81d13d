{% test mutually_exclusive_ranges(model, lower_bound_column=none, upper_bound_column=none, partition_by=none, gaps='allowed', zero_length_range_allowed=false, allow_empty=false) %}
  {{ return(adapter.dispatch('test_mutually_exclusive_ranges', 'strataqc')(model, lower_bound_column, upper_bound_column, partition_by, gaps, zero_length_range_allowed, allow_empty)) }}
{% endtest %}

{% macro default__test_mutually_exclusive_ranges(model, lower_bound_column, upper_bound_column, partition_by, gaps, zero_length_range_allowed, allow_empty) %}
  {#- arguments are judged when dbt executes: parsing stays query-free and one bad test cannot stop the project -#}
  {%- if not execute %}{{ return('select 1 as parsing') }}{% endif -%}
  {%- set label = strataqc.check_label('mutually_exclusive_ranges', model) -%}
  {%- set lower_name = strataqc.require_name(label, 'lower_bound_column', lower_bound_column, example='valid_from') -%}
  {%- set upper_name = strataqc.require_name(label, 'upper_bound_column', upper_bound_column, example='valid_to') -%}
  {%- set names = strataqc.require_names(label, 'partition_by', partition_by, example='[customer_id]') -%}
  {%- set groups = strataqc.quote_all(names) -%}
  {%- set gaps = strataqc.require_choice(label, 'gaps', gaps, ['allowed', 'not_allowed', 'required'], 'allowed') -%}
  {%- set zero_ok = strataqc.require_bool(label, 'zero_length_range_allowed', zero_length_range_allowed, false) -%}
  {%- set allow_empty = strataqc.require_bool(label, 'allow_empty', allow_empty, false) -%}
  {%- set types = strataqc.column_types(model) -%}
  {%- do strataqc.require_column_exists(label, 'lower_bound_column', lower_name, types) -%}
  {%- do strataqc.require_column_exists(label, 'upper_bound_column', upper_name, types) -%}
  {%- set lo = strataqc.quote_identifier(lower_name) -%}
  {%- set hi = strataqc.quote_identifier(upper_name) -%}
  {%- set g = groups | join(', ') ~ (', ' if groups else '') -%}
  {%- set next_ok = {'allowed': 'upper_bound <= next_lower_bound', 'not_allowed': 'upper_bound = next_lower_bound', 'required': 'upper_bound < next_lower_bound'}[gaps] -%}
with ranges as (
  select {{ g }}{{ lo }} as lower_bound, {{ hi }} as upper_bound,
    lead({{ lo }}) over ({% if groups %}partition by {{ groups | join(', ') }} {% endif %}order by {{ lo }}, {{ hi }}) as next_lower_bound
  from {{ model }}
),
judged as (
  select ranges.*,
    case
      when lower_bound is null or upper_bound is null then 'a bound is NULL'
      when not (lower_bound {{ '<=' if zero_ok else '<' }} upper_bound) then 'lower bound not below upper bound'
      when next_lower_bound is not null and not ({{ next_ok }}) then
        {{ "'overlaps the next range'" if gaps == 'allowed' else "case when upper_bound > next_lower_bound then 'overlaps the next range' else 'gap before the next range' end" if gaps == 'not_allowed' else "case when upper_bound > next_lower_bound then 'overlaps the next range' else 'no gap before the next range' end" }}
    end as reason
  from ranges
)
-- one row per range at fault, with what is wrong with it
select {{ g }}lower_bound, upper_bound, next_lower_bound, reason,
  {{ strataqc.sql_message([label] + strataqc.group_message_parts(names, groups) + [': range ', {'text': 'lower_bound'}, ' .. ', {'text': 'upper_bound'}, ' ', {'text': 'reason'}, ' (next starts ', {'text': 'next_lower_bound'}, ', gaps ' ~ gaps ~ ')']) }} as message
from judged
where reason is not null
{%- if not allow_empty %}
union all
select {% for c in groups %}null as {{ c }}, {% endfor %}null as lower_bound, null as upper_bound, null as next_lower_bound, 'no rows' as reason,
  {{ strataqc.sql_message(strataqc.nothing_to_check(label, 'the model has no rows')) }} as message
from (select count(*) as n from ranges) totals
where n = 0
{%- endif %}
{% endmacro %}
