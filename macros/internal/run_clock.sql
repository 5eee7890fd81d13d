{#- The run's clock as a datetime (UTC, naive): STRATAQC_NOW when set (the nights of `qc-report simulate`
    and the demo night, so a cadence of days counts their days), else dbt's run_started_at. -#}
{% macro run_clock() %}
  {%- set now = env_var('STRATAQC_NOW', '') | trim -%}
  {%- if now -%}
    {%- set text = (now | replace('Z', '')).split('+')[0].split('.')[0] -%}
    {{ return(modules.datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S')) }}
  {%- endif -%}
  {{ return(modules.datetime.datetime.strptime(run_started_at.strftime('%Y-%m-%dT%H:%M:%S'), '%Y-%m-%dT%H:%M:%S')) }}
{% endmacro %}
