-- int_order_attribution: the session each kept order (any status) is attributed to.
--
-- 1. explicit: the order's session_id, when that kept session belongs (after stitching)
--    to the order's customer;
-- 2. otherwise window: the latest session of the customer that started in
--    [placed_at - 30 min, placed_at] (ties: greatest session_id);
-- 3. otherwise none (session_id null).

create unlogged table segflow_reference.int_order_attribution as
with explicit_sessions as (
    select o.order_id, s.session_id
    from segflow_reference.stg_orders as o
    join segflow_reference.int_sessions as s
        on s.session_id = o.session_id
       and s.customer_id = o.customer_id
),

unattributed_orders as (
    select o.order_id, o.customer_id, o.placed_at
    from segflow_reference.stg_orders as o
    where not exists (select from explicit_sessions as e where e.order_id = o.order_id)
),

-- The window [placed_at - 30 min, placed_at] always touches exactly two 30-minute buckets
-- (that of placed_at and the one before), so candidate sessions are found with an
-- equi-join on (customer, bucket) instead of comparing every session of the customer.
order_buckets as (
    select
        u.*,
        date_bin(interval '30 minutes', u.placed_at, timestamptz '2000-01-01 00:00:00+00')
            - bucket_offset * interval '30 minutes' as bucket
    from unattributed_orders as u
    cross join (values (0), (1)) as offsets (bucket_offset)
),

window_sessions as (
    select distinct on (o.order_id)
        o.order_id,
        s.session_id
    from order_buckets as o
    join segflow_reference.int_sessions as s
        on s.customer_id = o.customer_id
       and date_bin(interval '30 minutes', s.started_at, timestamptz '2000-01-01 00:00:00+00') = o.bucket
    where s.started_at >= o.placed_at - interval '30 minutes'
      and s.started_at <= o.placed_at
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
from segflow_reference.stg_orders as o
left join explicit_sessions as e on e.order_id = o.order_id
left join window_sessions as w on w.order_id = o.order_id;

analyze segflow_reference.int_order_attribution;
