{{ config(enabled=var('strataqc_it_wap_bad', 'none') != 'none', materialized='incremental',
          incremental_strategy='strataqc_wap', unique_key='id',
          strataqc_audits=({'missing_test': ['no_such_test'], 'compares': ['wap_bad_config_reconciles'],
                            'not_a_list': 'wap_bad_config_unique'}).get(var('strataqc_it_wap_bad', 'none')),
          strataqc_wap_on_fail=('sometimes' if var('strataqc_it_wap_bad', 'none') == 'on_fail' else 'error')) }}
select night, id, amount from {{ ref('wap_deliveries') }}
