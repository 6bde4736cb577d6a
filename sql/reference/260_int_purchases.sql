-- int_purchases: purchases (kept orders with status 'completed') and their discounts.
--
-- A purchase is discounted when discount_total > 0, any of its kept lines has
-- discount > 0, or coupon_code is not null; full price otherwise. discount_rate is
-- discount_total / subtotal (0 when subtotal is 0), as float8: a quotient of the exact
-- amounts in cents, so it is the correctly rounded ratio.

create unlogged table segflow_reference.int_purchases as
with line_discounts as (
    select order_id, bool_or(discount > 0) as has_line_discount
    from segflow_reference.int_order_lines_base
    where status = 'completed'
    group by order_id
)

select
    o.order_id,
    o.customer_id,
    o.placed_at,
    o.order_day,
    o.net_revenue,
    o.subtotal,
    o.discount_total,
    o.coupon_code,
    coalesce(o.discount_total > 0, false)
        or coalesce(l.has_line_discount, false)
        or o.coupon_code is not null                       as is_discounted,
    case
        when o.subtotal = 0 then 0::float8
        else (o.discount_total * 100)::float8 / (o.subtotal * 100)::float8
    end                                                    as discount_rate
from segflow_reference.stg_orders as o
left join line_discounts as l
    on l.order_id = o.order_id
where o.status = 'completed';

analyze segflow_reference.int_purchases;
