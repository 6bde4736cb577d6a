-- stg_chats: support chats of the snapshot, cleaned.
--
-- Rules (docs/semantics.md, chats), in this order:
--   started_at >= T                      not in the snapshot (no row anywhere)
--   chat_id null                         reject  missing_key
--   started_at null                      reject  missing_value
--   started_at -infinity                 reject  invalid_value
--   several rows per chat_id             keep the greatest ended_at, reject  duplicate
--   started_at after the run's start     reject  future_timestamp
--   customer_id set but not kept         reject  orphan_customer
--   sentiment outside -1..1 (NaN too),   reject  invalid_value
--   csat outside 1..5, negative counters
-- Text trimmed (an empty visitor_id is none); channel and topic lower-cased; null
-- counters count as 0, a null escalated as false; a null ended_at counts as started_at.
-- chat_day is the local day of started_at.

create view segflow_reference.src_chats as
select
    c.ctid                                        as source_row,
    c.chat_id,
    c.customer_id,
    nullif(btrim(c.visitor_id::text), '')         as visitor_id,      -- uuid or text
    c.session_id,
    c.started_at,
    coalesce(c.ended_at, c.started_at)            as ended_at,
    (c.started_at at time zone p.timezone)::date  as chat_day,
    segflow_reference.lower_ascii(btrim(c.channel))                       as channel,
    coalesce(c.customer_messages, 0)              as customer_messages,
    coalesce(c.agent_messages, 0)                 as agent_messages,
    coalesce(c.questions, 0)                      as questions,
    c.sentiment,
    c.csat,
    segflow_reference.lower_ascii(btrim(c.topic))                         as topic,
    coalesce(c.escalated, false)                  as escalated,
    c.resolved
from shop.chats as c
cross join segflow_reference.params as p
where c.started_at < p.cutoff or c.started_at is null
-- offset 0 keeps the view a subquery, so each normalised column is computed once per
-- row (inlined, every reference to a column would evaluate its expression again).
offset 0;

create unlogged table segflow_reference.base_chats_duplicates as
with duplicate_keys as (
    select chat_id
    from segflow_reference.src_chats
    where chat_id is not null and started_at is not null and isfinite(started_at)
    group by chat_id
    having count(*) > 1
)

select
    s.source_row,
    row_number() over (
        partition by s.chat_id
        order by s.ended_at desc nulls last, s.source_row
    ) as rank_in_key
from segflow_reference.src_chats as s
join duplicate_keys as k
    on k.chat_id = s.chat_id;

analyze segflow_reference.base_chats_duplicates;

create unlogged table segflow_reference.base_chats as
select
    s.chat_id,
    s.customer_id,
    s.visitor_id,
    s.session_id,
    s.started_at,
    s.ended_at,
    s.chat_day,
    s.channel,
    s.customer_messages,
    s.agent_messages,
    s.questions,
    s.sentiment,
    s.csat,
    s.topic,
    s.escalated,
    s.resolved,
    case
        when s.chat_id is null then 'missing_key'
        when s.started_at is null then 'missing_value'
        when not isfinite(s.started_at) then 'invalid_value'
        when d.rank_in_key > 1 then 'duplicate'
        when s.started_at > p.run_started_at then 'future_timestamp'
        when s.customer_id is not null and customers.customer_id is null then 'orphan_customer'
        when not (s.sentiment between -1 and 1)          -- NaN is outside too
          or not (s.csat between 1 and 5)
          or s.customer_messages < 0 or s.agent_messages < 0 or s.questions < 0 then 'invalid_value'
    end as reject_reason
from segflow_reference.src_chats as s
cross join segflow_reference.params as p
left join segflow_reference.base_chats_duplicates as d
    on d.source_row = s.source_row
left join segflow_reference.stg_customers as customers
    on customers.customer_id = s.customer_id;

create view segflow_reference.stg_chats as
select
    chat_id, customer_id, visitor_id, session_id, started_at, ended_at, chat_day, channel,
    customer_messages, agent_messages, questions, sentiment, csat, topic, escalated, resolved
from segflow_reference.base_chats
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, record)
select 'chats', b.chat_id::text, 'rejected', b.reject_reason, to_jsonb(b) - 'reject_reason'
from segflow_reference.base_chats as b
where b.reject_reason is not null;

analyze segflow_reference.base_chats;

-- src_chats is ephemeral: dropped so that nothing here depends on the source tables.
drop view segflow_reference.src_chats;
