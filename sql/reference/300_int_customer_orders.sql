-- int_customer_orders: purchase and order-status aggregates per customer.
--
-- Purchases are kept orders with status 'completed'; trailing N days are local days in
-- [D - N + 1, D]. Customers without kept orders have no row.

create unlogged table segflow_reference.int_customer_orders as
select
    o.customer_id,
    count(pu.order_id)                                                        as frequency,
    coalesce(sum(pu.net_revenue), 0)                                          as monetary,
    min(pu.order_day)                                                         as first_order_date,
    max(pu.order_day)                                                         as last_order_date,
    count(pu.order_id) filter (where pu.order_day between p.day_7 and p.as_of)   as orders_7d,
    count(pu.order_id) filter (where pu.order_day between p.day_30 and p.as_of)  as orders_30d,
    count(pu.order_id) filter (where pu.order_day between p.day_90 and p.as_of)  as orders_90d,
    count(pu.order_id) filter (where pu.order_day between p.day_365 and p.as_of) as orders_365d,
    coalesce(sum(pu.net_revenue) filter (where pu.order_day between p.day_30 and p.as_of), 0)  as monetary_30d,
    coalesce(sum(pu.net_revenue) filter (where pu.order_day between p.day_90 and p.as_of), 0)  as monetary_90d,
    coalesce(sum(pu.net_revenue) filter (where pu.order_day between p.day_365 and p.as_of), 0) as monetary_365d,
    count(*) filter (where o.status = 'cancelled')                            as cancelled_orders,
    count(*) filter (where o.status = 'refunded')                             as refunded_orders,
    count(pu.order_id) filter (where pu.is_discounted)                        as discounted_orders,
    count(pu.order_id) filter (where not pu.is_discounted)                    as full_price_orders,
    avg(pu.discount_rate)                                                     as avg_discount_rate
from segflow_reference.stg_orders as o
cross join segflow_reference.params as p
left join segflow_reference.int_purchases as pu
    on pu.order_id = o.order_id
group by o.customer_id;

analyze segflow_reference.int_customer_orders;
