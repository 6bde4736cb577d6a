-- int_order_attribution: the session each kept order (any status) is attributed to.
--
-- 1. explicit: the order's session_id, when that kept session belongs (after stitching)
--    to the order's customer;
-- 2. otherwise window: the latest session of the customer that started in
--    [placed_at - 30 min, placed_at] (ties: greatest session_id);
-- 3. otherwise none (session_id null).

create table segflow_reference.int_order_attribution as
with orders as (
    select order_id, customer_id, session_id, placed_at
    from segflow_reference.stg_orders
),

explicit_sessions as (
    select o.order_id, s.session_id
    from orders as o
    join segflow_reference.int_sessions as s
        on s.session_id = o.session_id
       and s.customer_id = o.customer_id
),

window_sessions as (
    select distinct on (o.order_id)
        o.order_id,
        s.session_id
    from orders as o
    join segflow_reference.int_sessions as s
        on s.customer_id = o.customer_id
       and s.started_at >= o.placed_at - interval '30 minutes'
       and s.started_at <= o.placed_at
    where not exists (
        select from explicit_sessions as e where e.order_id = o.order_id
    )
    order by o.order_id, s.started_at desc, s.session_id desc
)

select
    o.order_id,
    o.customer_id,
    coalesce(e.session_id, w.session_id) as session_id,
    case
        when e.session_id is not null then 'explicit'
        when w.session_id is not null then 'window'
    end as method
from orders as o
left join explicit_sessions as e on e.order_id = o.order_id
left join window_sessions as w on w.order_id = o.order_id;

analyze segflow_reference.int_order_attribution;
