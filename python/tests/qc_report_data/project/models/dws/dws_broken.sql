select no_such_column from {{ ref('ods_pos__sales') }}
