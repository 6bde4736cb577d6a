-- int_chats: kept chats with the customer they belong to.
--
-- A chat belongs to its customer_id, else to the customer of its visitor_id
-- (int_visitor_stitching), else to nobody.

create unlogged table segflow_reference.int_chats as
select
    c.chat_id,
    coalesce(c.customer_id, v.customer_id) as customer_id,
    c.started_at,
    c.chat_day,
    c.customer_messages,
    c.questions,
    c.sentiment,
    c.csat,
    c.escalated
from segflow_reference.stg_chats as c
left join segflow_reference.int_visitor_stitching as v
    on v.visitor_id = c.visitor_id;

analyze segflow_reference.int_chats;
