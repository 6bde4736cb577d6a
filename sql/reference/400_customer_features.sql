-- customer_features: one row per kept customer created before T, every feature declared in
-- FeatureKey (Sources/Segflow/Features/FeatureKey.swift) in declaration order.
--
-- Types: integer -> int4, real -> float8, money -> numeric(14,2), date -> date,
-- text -> text, boolean -> bool. Customers without purchases have frequency 0 and
-- monetary 0.00 and null in the other purchase features; counts without events are 0.
-- RFM scores are ranked among buyers (frequency > 0): score = min(5, 1 + (5 * (rank - 1)) /
-- buyers) with integer division and SQL rank(): ascending monetary (M), ascending frequency
-- (F), descending recency_days (R: the most recent buyers score 5).

create table segflow_reference.customer_features as
with customers as (
    select
        c.*,
        -- full years of age on D (born on 29 February: a year older on 1 March of common years)
        date_part('year', age(p.as_of::timestamp, c.birth_date::timestamp))::int4 as age_years
    from segflow_reference.stg_customers as c
    cross join segflow_reference.params as p
),

features as (
    select
        p.as_of,
        c.customer_id,
        -- recency, frequency, monetary
        (p.as_of - o.last_order_date)::int4                                  as recency_days,
        coalesce(o.frequency, 0)::int4                                       as frequency,
        coalesce(o.monetary, 0)::numeric(14, 2)                              as monetary,
        round(o.monetary / nullif(o.frequency, 0), 2)::numeric(14, 2)        as aov,
        o.last_order_date                                                    as last_order_date,
        o.first_order_date                                                   as first_order_date,
        (p.as_of - c.signup_day)::int4                                       as tenure_days,
        coalesce(o.orders_30d, 0)::int4                                      as orders_30d,
        coalesce(o.orders_90d, 0)::int4                                      as orders_90d,
        coalesce(o.orders_365d, 0)::int4                                     as orders_365d,
        coalesce(o.monetary_30d, 0)::numeric(14, 2)                          as monetary_30d,
        coalesce(o.monetary_90d, 0)::numeric(14, 2)                          as monetary_90d,
        coalesce(o.monetary_365d, 0)::numeric(14, 2)                         as monetary_365d,
        coalesce(o.cancelled_orders, 0)::int4                                as cancelled_orders,
        coalesce(o.refunded_orders, 0)::int4                                 as refunded_orders,
        -- discounts
        o.discounted_orders::float8 / nullif(o.frequency, 0)                 as discounted_order_share,
        case when o.frequency > 0 then o.avg_discount_rate end               as avg_discount_rate,
        o.full_price_orders::float8 / nullif(o.frequency, 0)                 as full_price_order_share,
        -- web sessions
        coalesce(s.sessions_total, 0)::int4                                  as sessions_total,
        coalesce(s.sessions_30d, 0)::int4                                    as sessions_30d,
        coalesce(s.sessions_90d, 0)::int4                                    as sessions_90d,
        (p.as_of - s.last_visit_day)::int4                                   as days_since_last_visit,
        coalesce(s.sessions_without_order, 0)::int4                          as sessions_without_order,
        -- Counter sums saturate at int4's maximum, as the engine's (docs/operations.md, "Limits").
        least(coalesce(s.product_views_90d, 0), 2147483647)::int4            as product_views_90d,
        least(coalesce(s.cart_adds_90d, 0), 2147483647)::int4                as cart_adds_90d,
        coalesce(s.cart_abandonments_90d, 0)::int4                           as cart_abandonments_90d,
        s.last_abandoned_category                                            as last_abandoned_category,
        s.preferred_channel                                                  as preferred_channel,
        -- support chats
        coalesce(ch.chats, 0)::int4                                          as chats,
        coalesce(ch.chats_90d, 0)::int4                                      as chats_90d,
        least(coalesce(ch.customer_messages, 0), 2147483647)::int4           as customer_messages,
        ch.questions_per_chat                                                as questions_per_chat,
        ch.messages_per_chat                                                 as messages_per_chat,
        ch.avg_csat                                                          as avg_csat,
        ch.min_csat::int4                                                    as min_csat,
        ch.avg_sentiment                                                     as avg_sentiment,
        coalesce(ch.escalations, 0)::int4                                    as escalations,
        ch.escalations::float8 / nullif(ch.chats, 0)                         as escalation_rate,
        -- products (null without purchases)
        case when o.frequency > 0 then pr.top_product_line end               as top_product_line,
        case when o.frequency > 0 then
            -- in cents, so both operands are exact and the quotient is correctly rounded
            (pr.top_product_line_revenue * 100)::float8 / nullif(pr.total_line_revenue * 100, 0)::float8
        end                                                                  as top_product_line_share,
        coalesce(pr.distinct_categories, 0)::int4                            as distinct_categories,
        case when o.frequency > 0 then pr.new_launch_units::float8 / nullif(pr.units, 0) end
                                                                             as new_launch_item_share,
        case when o.frequency > 0 then pr.replenishable_units::float8 / nullif(pr.units, 0) end
                                                                             as replenishable_item_share,
        -- timing
        t.median_days_between_orders                                         as median_days_between_orders,
        t.next_expected_order_date                                           as next_expected_order_date,
        (t.next_expected_order_date - p.as_of)::int4                         as days_until_next_order,
        -- profile
        c.country,
        c.city,
        c.newsletter_opt_in,
        c.acquisition_channel,
        case
            when c.birth_date is null then null
            when c.age_years < 25 then '<25'
            when c.age_years < 35 then '25-34'
            when c.age_years < 45 then '35-44'
            when c.age_years < 55 then '45-54'
            when c.age_years < 65 then '55-64'
            else '65+'
        end                                                                  as age_band,
        -- BTYD
        t.btyd_frequency::int4                                               as btyd_frequency,
        t.btyd_recency::int4                                                 as btyd_recency,
        t.btyd_t::int4                                                       as btyd_t,
        t.btyd_monetary_value                                                as btyd_monetary_value,
        coalesce(o.orders_7d, 0)::int4                                       as orders_7d
    from customers as c
    cross join segflow_reference.params as p
    left join segflow_reference.int_customer_orders as o on o.customer_id = c.customer_id
    left join segflow_reference.int_customer_sessions as s on s.customer_id = c.customer_id
    left join segflow_reference.int_customer_chats as ch on ch.customer_id = c.customer_id
    left join segflow_reference.int_customer_products as pr on pr.customer_id = c.customer_id
    left join segflow_reference.int_customer_order_timing as t on t.customer_id = c.customer_id
),

-- Ranked from the narrow order aggregates rather than from `features`, so that the wide
-- features CTE is read once (and never materialised).
rfm_ranks as (
    select
        o.customer_id,
        rank() over (order by p.as_of - o.last_order_date desc) as r_rank,
        rank() over (order by o.frequency)                      as f_rank,
        rank() over (order by o.monetary)                       as m_rank,
        count(*) over ()                                        as buyers
    from segflow_reference.int_customer_orders as o
    join segflow_reference.stg_customers as c on c.customer_id = o.customer_id
    cross join segflow_reference.params as p
    where o.frequency > 0
),

rfm as (
    select
        customer_id,
        least(5, 1 + (5 * (r_rank - 1)) / buyers)::int4 as r_score,
        least(5, 1 + (5 * (f_rank - 1)) / buyers)::int4 as f_score,
        least(5, 1 + (5 * (m_rank - 1)) / buyers)::int4 as m_score
    from rfm_ranks
)

select
    f.as_of,
    f.customer_id,
    f.recency_days,
    f.frequency,
    f.monetary,
    f.aov,
    f.first_order_date,
    f.last_order_date,
    f.tenure_days,
    f.orders_30d,
    f.orders_90d,
    f.orders_365d,
    f.monetary_30d,
    f.monetary_90d,
    f.monetary_365d,
    f.cancelled_orders,
    f.refunded_orders,
    f.discounted_order_share,
    f.avg_discount_rate,
    f.full_price_order_share,
    f.sessions_total,
    f.sessions_30d,
    f.sessions_90d,
    f.days_since_last_visit,
    f.sessions_without_order,
    f.product_views_90d,
    f.cart_adds_90d,
    f.cart_abandonments_90d,
    f.last_abandoned_category,
    f.preferred_channel,
    f.chats,
    f.chats_90d,
    f.customer_messages,
    f.questions_per_chat,
    f.messages_per_chat,
    f.avg_csat,
    f.min_csat,
    f.avg_sentiment,
    f.escalations,
    f.escalation_rate,
    f.top_product_line,
    f.top_product_line_share,
    f.distinct_categories,
    f.new_launch_item_share,
    f.replenishable_item_share,
    f.median_days_between_orders,
    f.next_expected_order_date,
    f.days_until_next_order,
    f.country,
    f.city,
    f.newsletter_opt_in,
    f.acquisition_channel,
    f.age_band,
    r.r_score,
    r.f_score,
    r.m_score,
    r.r_score::text || r.f_score::text || r.m_score::text as rfm_score,
    f.btyd_frequency,
    f.btyd_recency,
    f.btyd_t,
    f.btyd_monetary_value,
    f.orders_7d
from features as f
left join rfm as r
    on r.customer_id = f.customer_id;

alter table segflow_reference.customer_features add primary key (customer_id);
analyze segflow_reference.customer_features;

comment on table segflow_reference.customer_features is
    'Per-customer features as of one day (docs/semantics.md), one row per kept customer created before the cut-off.';
comment on column segflow_reference.customer_features.as_of is 'The as-of day D of the snapshot.';
comment on column segflow_reference.customer_features.customer_id is 'The customer.';
-- The feature columns mean what the feature table of docs/semantics.md says (declared in
-- FeatureKey, Sources/Segflow/Features/FeatureKey.swift); they are not repeated here.
