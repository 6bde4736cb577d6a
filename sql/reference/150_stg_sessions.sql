-- stg_sessions: web sessions of the snapshot, cleaned.
--
-- Rules (docs/semantics.md, sessions), in this order:
--   started_at >= T                      not in the snapshot (no row anywhere)
--   session_id null                      reject  missing_key
--   started_at null                      reject  missing_value
--   started_at -infinity                 reject  invalid_value
--   several rows per session_id          keep the greatest ended_at, reject  duplicate
--   started_at after the run's start     reject  future_timestamp
--   page_views > 500, or > 50 within     reject  bot
--   less than 60 s
--   customer_id set but not kept         reject  orphan_customer
--   a negative counter                   reject  negative_amount
-- Text trimmed (an empty visitor_id is none); channel and device lower-cased; null
-- counters count as 0; a null ended_at counts as started_at (a session of no length).
-- session_day is the local day of started_at.

create view segflow_reference.src_sessions as
select
    s.ctid                                        as source_row,
    s.session_id,
    nullif(btrim(s.visitor_id::text), '')         as visitor_id,      -- uuid or text
    s.customer_id,
    s.started_at,
    coalesce(s.ended_at, s.started_at)            as ended_at,
    (s.started_at at time zone p.timezone)::date  as session_day,
    segflow_reference.lower_ascii(btrim(s.channel))                       as channel,
    segflow_reference.lower_ascii(btrim(s.device))                        as device,
    btrim(s.landing_page)                         as landing_page,
    coalesce(s.page_views, 0)                     as page_views,
    coalesce(s.product_views, 0)                  as product_views,
    coalesce(s.category_views, 0)                 as category_views,
    coalesce(s.cart_adds, 0)                      as cart_adds,
    s.checkout_started,
    segflow_reference.upper_ascii(btrim(s.country))                       as country,
    s.cart_product_id
from shop.sessions as s
cross join segflow_reference.params as p
where s.started_at < p.cutoff or s.started_at is null
-- offset 0 keeps the view a subquery, so each normalised column is computed once per
-- row (inlined, every reference to a column would evaluate its expression again).
offset 0;

create unlogged table segflow_reference.base_sessions_duplicates as
with duplicate_keys as (
    select session_id
    from segflow_reference.src_sessions
    where session_id is not null and started_at is not null and isfinite(started_at)
    group by session_id
    having count(*) > 1
)

select
    s.source_row,
    row_number() over (
        partition by s.session_id
        order by s.ended_at desc nulls last, s.source_row
    ) as rank_in_key
from segflow_reference.src_sessions as s
join duplicate_keys as k
    on k.session_id = s.session_id;

analyze segflow_reference.base_sessions_duplicates;

create unlogged table segflow_reference.base_sessions as
select
    s.session_id,
    s.visitor_id,
    s.customer_id,
    s.started_at,
    s.ended_at,
    s.session_day,
    s.channel,
    s.device,
    s.landing_page,
    coalesce(s.page_views, 0)                     as page_views,
    coalesce(s.product_views, 0)                  as product_views,
    coalesce(s.category_views, 0)                 as category_views,
    coalesce(s.cart_adds, 0)                      as cart_adds,
    s.checkout_started,
    s.country,
    s.cart_product_id,
    case
        when s.session_id is null then 'missing_key'
        when s.started_at is null then 'missing_value'
        when not isfinite(s.started_at) then 'invalid_value'
        when d.rank_in_key > 1 then 'duplicate'
        else r.row_reject_reason
    end as reject_reason,
    -- The checks of the row itself, whatever its duplicates: stitching trusts every copy that passes them.
    r.row_reject_reason
from segflow_reference.src_sessions as s
cross join segflow_reference.params as p
left join segflow_reference.base_sessions_duplicates as d
    on d.source_row = s.source_row
left join segflow_reference.stg_customers as customers
    on customers.customer_id = s.customer_id
cross join lateral (
    select case
        when s.session_id is null then 'missing_key'
        when s.started_at is null then 'missing_value'
        when not isfinite(s.started_at) then 'invalid_value'
        when s.started_at > p.run_started_at then 'future_timestamp'
        when s.page_views > 500
          -- not ended_at - started_at: PostgreSQL cannot subtract an infinite ended_at
          or (s.page_views > 50 and s.ended_at < s.started_at + interval '60 seconds') then 'bot'
        when s.customer_id is not null and customers.customer_id is null then 'orphan_customer'
        when s.page_views < 0 or s.product_views < 0 or s.category_views < 0
          or s.cart_adds < 0 then 'negative_amount'
    end as row_reject_reason
) as r;

create view segflow_reference.stg_sessions as
select
    session_id, visitor_id, customer_id, started_at, ended_at, session_day, channel, device,
    landing_page, page_views, product_views, category_views, cart_adds, checkout_started,
    country, cart_product_id
from segflow_reference.base_sessions
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, record)
select 'sessions', b.session_id::text, 'rejected', b.reject_reason, to_jsonb(b) - 'reject_reason'
from segflow_reference.base_sessions as b
where b.reject_reason is not null;

analyze segflow_reference.base_sessions;

-- src_sessions is ephemeral: dropped so that nothing here depends on the source tables.
drop view segflow_reference.src_sessions;
