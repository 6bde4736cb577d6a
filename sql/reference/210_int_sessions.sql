-- int_sessions: kept sessions with the customer they count for after stitching.
--
-- customer_id is the session's own customer_id when it has one, else the customer of its
-- visitor (int_visitor_stitching), else null (a session of nobody).

create unlogged table segflow_reference.int_sessions as
select
    s.session_id,
    s.visitor_id,
    s.customer_id                              as login_customer_id,
    coalesce(s.customer_id, v.customer_id)     as customer_id,
    s.started_at,
    s.ended_at,
    s.session_day,
    s.channel,
    s.device,
    s.page_views,
    s.product_views,
    s.cart_adds,
    s.cart_product_id,
    s.checkout_started
from segflow_reference.stg_sessions as s
left join segflow_reference.int_visitor_stitching as v
    on v.visitor_id = s.visitor_id;

analyze segflow_reference.int_sessions;
