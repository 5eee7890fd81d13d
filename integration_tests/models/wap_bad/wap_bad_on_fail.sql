{{ config(enabled=var('strataqc_it_wap_bad', false), materialized='incremental',
          incremental_strategy='strataqc_wap', unique_key='id', strataqc_wap_on_fail='sometimes') }}
select night, id, amount from {{ ref('wap_deliveries') }}
