{{ config(enabled=var('strataqc_it_wap', false)) }}
select count(*) as orders, sum(amount) as amount from {{ ref('wap_orders_warned') }}
