{#- Category spellings folded to one name: case, surrounding blanks and hyphens do not matter.
    A spelling not listed here is kept as written (trimmed): it shows up as an extra level. -#}
{% macro demo_standardise_category(expr) %}
  case lower(trim(replace({{ expr }}, '-', '')))
    when 'dairy' then 'Dairy'
    when 'bakery' then 'Bakery'
    when 'beverages' then 'Beverages'
    when 'produce' then 'Produce'
    when 'frozen' then 'Frozen'
    when 'snacks' then 'Snacks'
    when 'household' then 'Household'
    when 'ready meals' then 'Ready Meals'
    else nullif(trim({{ expr }}), '')
  end
{% endmacro %}
