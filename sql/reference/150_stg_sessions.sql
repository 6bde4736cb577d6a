-- stg_sessions: web sessions of the snapshot, cleaned.
--
-- Rules (docs/semantics.md, sessions), in this order:
--   started_at >= T                      not in the snapshot (no row anywhere)
--   session_id or started_at null        reject  missing_key
--   several rows per session_id          keep the greatest ended_at, reject  duplicate
--   started_at after the run's start     reject  future_timestamp
--   page_views > 500, or > 50 within     reject  bot
--   less than 60 s
--   customer_id set but not kept         reject  orphan_customer
--   a negative counter                   reject  negative_amount
-- Text trimmed; channel and device lower-cased. session_day is the local day of started_at.

create table segflow_reference.base_sessions as
with source as (
    select
        s.ctid                                        as source_row,
        s.session_id,
        nullif(btrim(s.visitor_id), '')              as visitor_id,
        s.customer_id,
        s.started_at,
        s.ended_at,
        (s.started_at at time zone p.timezone)::date  as session_day,
        lower(btrim(s.channel))                       as channel,
        lower(btrim(s.device))                        as device,
        btrim(s.landing_page)                         as landing_page,
        s.page_views,
        s.product_views,
        s.category_views,
        s.cart_adds,
        s.checkout_started,
        upper(btrim(s.country))                       as country,
        s.cart_product_id
    from shop.sessions as s
    cross join segflow_reference.params as p
    where s.started_at < p.cutoff or s.started_at is null
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by session_id
            order by ended_at desc nulls last, source_row
        ) as rank_in_key
    from source
)

select
    r.session_id,
    r.visitor_id,
    r.customer_id,
    r.started_at,
    r.ended_at,
    r.session_day,
    r.channel,
    r.device,
    r.landing_page,
    r.page_views,
    r.product_views,
    r.category_views,
    r.cart_adds,
    r.checkout_started,
    r.country,
    r.cart_product_id,
    case
        when r.session_id is null or r.started_at is null then 'missing_key'
        when r.rank_in_key > 1 then 'duplicate'
        when r.started_at > p.run_started_at then 'future_timestamp'
        when r.page_views > 500
          or (r.page_views > 50 and r.ended_at - r.started_at < interval '60 seconds') then 'bot'
        when r.customer_id is not null and customers.customer_id is null then 'orphan_customer'
        when r.page_views < 0 or r.product_views < 0 or r.category_views < 0
          or r.cart_adds < 0 then 'negative_amount'
    end as reject_reason
from ranked as r
cross join segflow_reference.params as p
left join segflow_reference.stg_customers as customers
    on customers.customer_id = r.customer_id;

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
