-- int_customer_chats: support chats per customer.
--
-- Ratios of counts are float8 divisions of exact integers. avg_csat is over rated chats,
-- avg_sentiment over chats with a sentiment.

create unlogged table segflow_reference.int_customer_chats as
select
    c.customer_id,
    count(*)                                                           as chats,
    count(*) filter (where c.chat_day between p.day_90 and p.as_of)    as chats_90d,
    coalesce(sum(c.customer_messages), 0)                              as customer_messages,
    sum(c.questions)::float8 / count(*)                                as questions_per_chat,
    sum(c.customer_messages)::float8 / count(*)                        as messages_per_chat,
    sum(c.csat)::float8 / nullif(count(c.csat), 0)                     as avg_csat,
    min(c.csat)                                                        as min_csat,
    avg(c.sentiment)                                                   as avg_sentiment,
    count(*) filter (where c.escalated)                                as escalations
from segflow_reference.int_chats as c
cross join segflow_reference.params as p
where c.customer_id is not null
group by c.customer_id;

analyze segflow_reference.int_customer_chats;
