{{ config(enabled=var('strataqc_it_wap_bad', false), materialized='incremental',
          incremental_strategy='strataqc_wap', unique_key='id', strataqc_audits=['wap_bad_compares_reconciles']) }}
select night, id, amount from {{ ref('wap_deliveries') }}
