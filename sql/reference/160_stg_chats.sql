-- stg_chats: support chats of the snapshot, cleaned.
--
-- Rules (docs/semantics.md, chats), in this order:
--   started_at >= T                      not in the snapshot (no row anywhere)
--   chat_id or started_at null           reject  missing_key
--   several rows per chat_id             keep the greatest ended_at, reject  duplicate
--   started_at after the run's start     reject  future_timestamp
--   customer_id set but not kept         reject  orphan_customer
--   sentiment outside -1..1 (NaN too),   reject  invalid_value
--   csat outside 1..5, negative counters
-- Text trimmed; channel and topic lower-cased. chat_day is the local day of started_at.

create table segflow_reference.base_chats as
with source as (
    select
        c.ctid                                        as source_row,
        c.chat_id,
        c.customer_id,
        nullif(btrim(c.visitor_id), '')              as visitor_id,
        c.session_id,
        c.started_at,
        c.ended_at,
        (c.started_at at time zone p.timezone)::date  as chat_day,
        lower(btrim(c.channel))                       as channel,
        c.customer_messages,
        c.agent_messages,
        c.questions,
        c.sentiment,
        c.csat,
        lower(btrim(c.topic))                         as topic,
        c.escalated,
        c.resolved
    from shop.chats as c
    cross join segflow_reference.params as p
    where c.started_at < p.cutoff or c.started_at is null
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by chat_id
            order by ended_at desc nulls last, source_row
        ) as rank_in_key
    from source
)

select
    r.chat_id,
    r.customer_id,
    r.visitor_id,
    r.session_id,
    r.started_at,
    r.ended_at,
    r.chat_day,
    r.channel,
    r.customer_messages,
    r.agent_messages,
    r.questions,
    r.sentiment,
    r.csat,
    r.topic,
    r.escalated,
    r.resolved,
    case
        when r.chat_id is null or r.started_at is null then 'missing_key'
        when r.rank_in_key > 1 then 'duplicate'
        when r.started_at > p.run_started_at then 'future_timestamp'
        when r.customer_id is not null and customers.customer_id is null then 'orphan_customer'
        when not (r.sentiment between -1 and 1)          -- NaN is outside too
          or not (r.csat between 1 and 5)
          or r.customer_messages < 0 or r.agent_messages < 0 or r.questions < 0 then 'invalid_value'
    end as reject_reason
from ranked as r
cross join segflow_reference.params as p
left join segflow_reference.stg_customers as customers
    on customers.customer_id = r.customer_id;

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
