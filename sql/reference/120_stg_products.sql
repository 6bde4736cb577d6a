-- stg_products: one row per product, cleaned.
--
-- Rules (docs/semantics.md, products), in this order:
--   product_id null                  reject  missing_key
--   several rows per product_id      keep the greatest sku (code-point order), reject  duplicate
--   list_price not an amount         reject  invalid_value (before duplicates:
--   (is_amount: NaN, ±Infinity)      the row takes no part in them)
--   list_price < 0                   reject  negative_amount
-- Text is trimmed; category and product_line are lower-cased.
-- Products have no time stamp that cuts them off: all are in every snapshot.

create view segflow_reference.src_products as
select
    p.ctid                           as source_row,
    p.product_id,
    btrim(p.sku)                     as sku,
    btrim(p.name)                    as name,
    segflow_reference.lower_ascii(btrim(p.category))         as category,
    segflow_reference.lower_ascii(btrim(p.product_line))     as product_line,
    round(p.list_price, 2) as list_price,  -- to the cent, as the engine reads it
    p.launched_at,
    p.replenish_days
from shop.products as p
-- offset 0 keeps the view a subquery, so each normalised column is computed once per
-- row (inlined, every reference to a column would evaluate its expression again).
offset 0;

create unlogged table segflow_reference.base_products_duplicates as
with duplicate_keys as (
    select product_id
    from segflow_reference.src_products
    where product_id is not null and coalesce(segflow_reference.is_amount(list_price), true)
    group by product_id
    having count(*) > 1
)

select
    s.source_row,
    row_number() over (
        partition by s.product_id
        order by s.sku collate "C" desc nulls last, s.source_row
    ) as rank_in_key
from segflow_reference.src_products as s
join duplicate_keys as k
    on k.product_id = s.product_id;

analyze segflow_reference.base_products_duplicates;

create unlogged table segflow_reference.base_products as
select
    s.product_id,
    s.sku,
    s.name,
    s.category,
    s.product_line,
    s.list_price,
    s.launched_at,
    s.replenish_days,
    case
        when s.product_id is null then 'missing_key'
        when not coalesce(segflow_reference.is_amount(s.list_price), true) then 'invalid_value'
        when d.rank_in_key > 1 then 'duplicate'
        when s.list_price < 0 then 'negative_amount'
    end as reject_reason
from segflow_reference.src_products as s
left join segflow_reference.base_products_duplicates as d
    on d.source_row = s.source_row;

create view segflow_reference.stg_products as
select product_id, sku, name, category, product_line, list_price, launched_at, replenish_days
from segflow_reference.base_products
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, record)
select 'products', b.product_id::text, 'rejected', b.reject_reason, to_jsonb(b) - 'reject_reason'
from segflow_reference.base_products as b
where b.reject_reason is not null;

analyze segflow_reference.base_products;

-- src_products is ephemeral: dropped so that nothing here depends on the source tables.
drop view segflow_reference.src_products;
