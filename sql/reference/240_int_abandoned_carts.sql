-- int_abandoned_carts: sessions with cart additions not followed by an order.
--
-- A kept session with cart_adds > 0 is an abandoned cart when its customer (after
-- stitching) placed no kept order, of any status, in [started_at, min(started_at + 24 h, T)).
-- 24 h are 24 elapsed hours, whatever the time zone does. category is the category of
-- cart_product_id (null when the product is unknown). Sessions of nobody are abandoned
-- carts of nobody (customer_id null).

create unlogged table segflow_reference.int_abandoned_carts as
select
    s.session_id,
    s.customer_id,
    s.started_at,
    s.session_day,
    s.cart_product_id,
    products.category
from segflow_reference.int_sessions as s
cross join segflow_reference.params as p
left join segflow_reference.stg_products as products
    on products.product_id = s.cart_product_id
where s.cart_adds > 0
  and not exists (
      select
      from segflow_reference.stg_orders as o
      where o.customer_id = s.customer_id
        and o.placed_at >= s.started_at
        and o.placed_at < least(s.started_at + interval '24 hours', p.cutoff)
  );

analyze segflow_reference.int_abandoned_carts;
