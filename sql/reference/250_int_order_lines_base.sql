-- int_order_lines_base: kept order lines with their order, product and line net revenue.
--
-- line_net_revenue = round((quantity * unit_price - discount) * rate, 2), half away from
-- zero, in the base currency. is_new_launch: placed within 30 days (720 hours) after
-- the product's launch, placed_at - launched_at in [0, 30 days].

create unlogged table segflow_reference.int_order_lines_base as
select
    i.order_id,
    i.line_no,
    o.customer_id,
    o.status,
    o.placed_at,
    o.order_day,
    i.product_id,
    products.category,
    products.product_line,
    products.launched_at,
    products.replenish_days,
    i.quantity,
    i.unit_price,
    i.list_price,
    i.discount,
    o.rate,
    round((i.quantity * i.unit_price - i.discount) * o.rate, 2) as line_net_revenue,
    coalesce(
        o.placed_at >= products.launched_at
        and o.placed_at <= products.launched_at + interval '720 hours',
        false
    ) as is_new_launch,
    products.replenish_days is not null as is_replenishable
from segflow_reference.stg_order_items as i
join segflow_reference.stg_orders as o
    on o.order_id = i.order_id
join segflow_reference.stg_products as products
    on products.product_id = i.product_id;

analyze segflow_reference.int_order_lines_base;
