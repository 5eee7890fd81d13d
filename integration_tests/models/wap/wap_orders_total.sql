{{ config(enabled=var('strataqc_it_wap', false)) }}
-- downstream of the audited model: built only from published rows
select count(*) as orders, sum(amount) as amount from {{ ref('wap_orders') }}
