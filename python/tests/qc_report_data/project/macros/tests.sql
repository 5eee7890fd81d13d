{% test unique_key(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences from {{ model }} group by {{ columns | join(', ') }} having count(*) > 1
{% endtest %}
{% test abnormal_value_ratio(model, column_name, max_ratio=0) %}
with s as (select avg(case when {{ column_name }} is null then 1.0 else 0.0 end) as ratio from {{ model }})
select ratio as observed, {{ max_ratio }} as threshold,
  'abnormal share ' || cast(round(ratio * 100, 1) as varchar) || '% over ' || cast({{ max_ratio * 100 }} as varchar) || '%' as message
from s where ratio > {{ max_ratio }}
{% endtest %}
{% test column_checks(model, columns) %}
{% for col, rule in columns.items() %}
select '{{ col }}' as column_name, '{{ rule }}' as rule, cast({{ col }} as varchar) as value from {{ model }}
where {% if rule == 'not_null' %}{{ col }} is null{% else %}{{ col }} < 0{% endif %}
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
