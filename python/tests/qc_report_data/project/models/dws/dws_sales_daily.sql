select store_id, sum(qty) as qty from {{ ref('dwd_sales') }} group by store_id
