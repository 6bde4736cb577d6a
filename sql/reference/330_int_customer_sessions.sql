-- int_customer_sessions: web behaviour per customer, over sessions after stitching.
--
-- One pass over the sessions, grouped by customer and channel, then rolled up per customer.
-- sessions_without_order: sessions minus the distinct sessions orders are attributed to
-- (an attributed session always belongs to the order's customer). preferred_channel: the
-- channel of most sessions (ties: first in code-point order; sessions without a channel
-- are no candidate). cart_abandonments_90d and last_abandoned_category (of the most recent
-- abandoned cart, ties: greatest session_id; null when that cart's product is unknown)
-- come from int_abandoned_carts.

create unlogged table segflow_reference.int_customer_sessions as
with sessions_by_channel as (
    select
        s.customer_id,
        s.channel,
        count(*)                                                                  as sessions_total,
        count(*) filter (where s.session_day between p.day_30 and p.as_of)        as sessions_30d,
        count(*) filter (where s.session_day between p.day_90 and p.as_of)        as sessions_90d,
        max(s.session_day)                                                        as last_visit_day,
        sum(s.product_views) filter (where s.session_day between p.day_90 and p.as_of) as product_views_90d,
        sum(s.cart_adds) filter (where s.session_day between p.day_90 and p.as_of)     as cart_adds_90d
    from segflow_reference.int_sessions as s
    cross join segflow_reference.params as p
    where s.customer_id is not null
    group by s.customer_id, s.channel
),

session_stats as (
    select
        customer_id,
        sum(sessions_total)                   as sessions_total,
        sum(sessions_30d)                     as sessions_30d,
        sum(sessions_90d)                     as sessions_90d,
        max(last_visit_day)                   as last_visit_day,
        coalesce(sum(product_views_90d), 0)   as product_views_90d,
        coalesce(sum(cart_adds_90d), 0)       as cart_adds_90d
    from sessions_by_channel
    group by customer_id
),

preferred_channels as (
    select distinct on (customer_id) customer_id, channel
    from sessions_by_channel
    where channel is not null
    order by customer_id, sessions_total desc, channel collate "C"
),

attributed_sessions as (
    select customer_id, count(distinct session_id) as sessions_with_order
    from segflow_reference.int_order_attribution
    where session_id is not null
    group by customer_id
),

abandonments as (
    select
        c.customer_id,
        count(*) filter (where c.session_day between p.day_90 and p.as_of) as cart_abandonments_90d
    from segflow_reference.int_abandoned_carts as c
    cross join segflow_reference.params as p
    where c.customer_id is not null
    group by c.customer_id
),

last_abandoned as (
    select distinct on (customer_id) customer_id, category
    from segflow_reference.int_abandoned_carts
    where customer_id is not null
    order by customer_id, started_at desc, session_id desc
)

select
    s.customer_id,
    s.sessions_total,
    s.sessions_30d,
    s.sessions_90d,
    s.last_visit_day,
    s.sessions_total - coalesce(a.sessions_with_order, 0) as sessions_without_order,
    s.product_views_90d,
    s.cart_adds_90d,
    coalesce(ab.cart_abandonments_90d, 0) as cart_abandonments_90d,
    la.category                           as last_abandoned_category,
    pc.channel                            as preferred_channel
from session_stats as s
left join attributed_sessions as a on a.customer_id = s.customer_id
left join abandonments as ab on ab.customer_id = s.customer_id
left join last_abandoned as la on la.customer_id = s.customer_id
left join preferred_channels as pc on pc.customer_id = s.customer_id;

analyze segflow_reference.int_customer_sessions;
