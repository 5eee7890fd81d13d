{{ config(enabled=var('strataqc_it_wap', false), materialized='incremental',
          incremental_strategy='strataqc_wap', unique_key='id', strataqc_wap_on_fail='warn') }}
{{ wap_delivery_rows() }}
