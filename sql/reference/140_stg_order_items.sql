-- stg_order_items: order lines of kept orders, cleaned.
--
-- Rules (docs/semantics.md, order_items), in this order:
--   order only placed at or after T      not in the snapshot (no row anywhere)
--   order_id or line_no null             reject  missing_key
--   quantity or unit_price null          reject  missing_value
--   unit_price, list_price or discount   reject  invalid_value
--   not an amount (is_amount)
--   several rows per (order_id, line_no) keep the greatest product_id, reject  duplicate
--   order not among kept orders          reject  orphan_order (also when the order was rejected)
--   product not among kept products      reject  orphan_product
--   quantity <= 0, or a negative         reject  negative_amount
--   unit_price, list_price or discount
-- A null list_price or discount counts as 0.

create unlogged table segflow_reference.base_orders_after_cutoff as
-- orders whose every source row is at or after T (an order without any source row is an
-- orphan, not a future order)
select o.order_id
from shop.orders as o
cross join segflow_reference.params as p
where o.placed_at >= p.cutoff
except
select b.order_id
from segflow_reference.base_orders as b;

analyze segflow_reference.base_orders_after_cutoff;

create view segflow_reference.src_order_items as
select
    i.ctid           as source_row,
    i.order_id,
    i.line_no,
    i.product_id,
    i.quantity,
    -- Amounts to the cent, as the engine reads them (numeric(12,2) values are unchanged).
    round(i.unit_price, 2)                 as unit_price,
    round(coalesce(i.list_price, 0), 2)    as list_price,
    round(coalesce(i.discount, 0), 2)      as discount
from shop.order_items as i
where not exists (
    select from segflow_reference.base_orders_after_cutoff as future
    where future.order_id = i.order_id
)
-- offset 0 keeps the view a subquery, so each normalised column is computed once per
-- row (inlined, every reference to a column would evaluate its expression again).
offset 0;

create unlogged table segflow_reference.base_order_items_duplicates as
with duplicate_keys as (
    select order_id, line_no
    from segflow_reference.src_order_items
    where order_id is not null and line_no is not null and quantity is not null and unit_price is not null
      and segflow_reference.is_amount(unit_price) and coalesce(segflow_reference.is_amount(list_price), true) and coalesce(segflow_reference.is_amount(discount), true)
    group by order_id, line_no
    having count(*) > 1
)

select
    s.source_row,
    row_number() over (
        partition by s.order_id, s.line_no
        order by s.product_id desc nulls last, s.source_row
    ) as rank_in_key
from segflow_reference.src_order_items as s
join duplicate_keys as k
    on k.order_id = s.order_id and k.line_no = s.line_no;

analyze segflow_reference.base_order_items_duplicates;

create unlogged table segflow_reference.base_order_items as
select
    s.order_id,
    s.line_no,
    s.product_id,
    s.quantity,
    s.unit_price,
    s.list_price,
    s.discount,
    case
        when s.order_id is null or s.line_no is null then 'missing_key'
        when s.quantity is null or s.unit_price is null then 'missing_value'
        when not (segflow_reference.is_amount(s.unit_price) and coalesce(segflow_reference.is_amount(s.list_price), true) and coalesce(segflow_reference.is_amount(s.discount), true)) then 'invalid_value'
        when d.rank_in_key > 1 then 'duplicate'
        when orders.order_id is null then 'orphan_order'
        when products.product_id is null then 'orphan_product'
        when s.quantity <= 0 or s.unit_price < 0 or s.list_price < 0 or s.discount < 0 then 'negative_amount'
    end as reject_reason
from segflow_reference.src_order_items as s
left join segflow_reference.base_order_items_duplicates as d
    on d.source_row = s.source_row
left join segflow_reference.stg_orders as orders
    on orders.order_id = s.order_id
left join segflow_reference.stg_products as products
    on products.product_id = s.product_id;

create view segflow_reference.stg_order_items as
select order_id, line_no, product_id, quantity, unit_price, list_price, discount
from segflow_reference.base_order_items
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, record)
select
    'order_items',
    b.order_id::text || '/' || coalesce(b.line_no::text, ''),
    'rejected',
    b.reject_reason,
    to_jsonb(b) - 'reject_reason'
from segflow_reference.base_order_items as b
where b.reject_reason is not null;

analyze segflow_reference.base_order_items;

-- src_order_items is ephemeral: dropped so that nothing here depends on the source tables.
drop view segflow_reference.src_order_items;
