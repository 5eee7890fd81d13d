select * from {{ ref('ods_pos__sales') }}
