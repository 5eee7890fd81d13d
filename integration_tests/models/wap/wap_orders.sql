{{ config(enabled=var('strataqc_it_wap', false), materialized='incremental',
          incremental_strategy='strataqc_wap', unique_key='id') }}
{{ wap_delivery_rows() }}
