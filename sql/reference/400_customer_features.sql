-- customer_features: one row per kept customer created before T, every feature of
-- FeatureCatalog (Sources/Segflow/Features/FeatureCatalog.swift) in catalog order.
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
        t.btyd_monetary_value                                                as btyd_monetary_value
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
    f.btyd_monetary_value
from features as f
left join rfm as r
    on r.customer_id = f.customer_id;

alter table segflow_reference.customer_features add primary key (customer_id);
analyze segflow_reference.customer_features;

comment on table segflow_reference.customer_features is
    'Per-customer features as of one day (docs/semantics.md), one row per kept customer created before the cut-off.';
comment on column segflow_reference.customer_features.as_of is 'The as-of day D of the snapshot.';
comment on column segflow_reference.customer_features.customer_id is 'The customer.';
comment on column segflow_reference.customer_features.recency_days is 'Days from the last purchase to the as-of day; null without purchases.';
comment on column segflow_reference.customer_features.frequency is 'Number of purchases (completed orders).';
comment on column segflow_reference.customer_features.monetary is 'Net revenue of all purchases in the base currency.';
comment on column segflow_reference.customer_features.aov is 'Average order value: monetary / frequency, rounded to the cent; null without purchases.';
comment on column segflow_reference.customer_features.first_order_date is 'Local day of the first purchase.';
comment on column segflow_reference.customer_features.last_order_date is 'Local day of the last purchase.';
comment on column segflow_reference.customer_features.tenure_days is 'Days from the customer''s sign-up day to the as-of day.';
comment on column segflow_reference.customer_features.orders_30d is 'Purchases in the 30 days ending on the as-of day.';
comment on column segflow_reference.customer_features.orders_90d is 'Purchases in the 90 days ending on the as-of day.';
comment on column segflow_reference.customer_features.orders_365d is 'Purchases in the 365 days ending on the as-of day.';
comment on column segflow_reference.customer_features.monetary_30d is 'Net revenue of purchases in the trailing 30 days.';
comment on column segflow_reference.customer_features.monetary_90d is 'Net revenue of purchases in the trailing 90 days.';
comment on column segflow_reference.customer_features.monetary_365d is 'Net revenue of purchases in the trailing 365 days.';
comment on column segflow_reference.customer_features.cancelled_orders is 'Orders cancelled (any time up to the as-of day).';
comment on column segflow_reference.customer_features.refunded_orders is 'Orders refunded (any time up to the as-of day).';
comment on column segflow_reference.customer_features.discounted_order_share is 'Share of purchases with an order discount, a line discount or a coupon; null without purchases.';
comment on column segflow_reference.customer_features.avg_discount_rate is 'Mean of discount_total / subtotal over purchases; null without purchases.';
comment on column segflow_reference.customer_features.full_price_order_share is 'Share of purchases with no discount of any kind; null without purchases.';
comment on column segflow_reference.customer_features.sessions_total is 'Sessions of the customer (stitched anonymous ones included).';
comment on column segflow_reference.customer_features.sessions_30d is 'Sessions in the trailing 30 days.';
comment on column segflow_reference.customer_features.sessions_90d is 'Sessions in the trailing 90 days.';
comment on column segflow_reference.customer_features.days_since_last_visit is 'Days from the last session to the as-of day; null without sessions.';
comment on column segflow_reference.customer_features.sessions_without_order is 'Sessions to which no order is attributed.';
comment on column segflow_reference.customer_features.product_views_90d is 'Product views in sessions of the trailing 90 days.';
comment on column segflow_reference.customer_features.cart_adds_90d is 'Cart additions in sessions of the trailing 90 days.';
comment on column segflow_reference.customer_features.cart_abandonments_90d is 'Sessions of the trailing 90 days with cart additions and no order by the customer within 24 hours (clipped at the cut-off).';
comment on column segflow_reference.customer_features.last_abandoned_category is 'Category of the most recent abandoned cart; null if none.';
comment on column segflow_reference.customer_features.preferred_channel is 'Channel of most sessions (ties: alphabetical); null without sessions.';
comment on column segflow_reference.customer_features.chats is 'Support chats of the customer.';
comment on column segflow_reference.customer_features.chats_90d is 'Support chats in the trailing 90 days.';
comment on column segflow_reference.customer_features.customer_messages is 'Messages the customer wrote in chats.';
comment on column segflow_reference.customer_features.questions_per_chat is 'Questions per chat; null without chats.';
comment on column segflow_reference.customer_features.messages_per_chat is 'Customer messages per chat; null without chats.';
comment on column segflow_reference.customer_features.avg_csat is 'Mean CSAT (1-5) of rated chats; null if none rated.';
comment on column segflow_reference.customer_features.min_csat is 'Lowest CSAT given; null if none rated.';
comment on column segflow_reference.customer_features.avg_sentiment is 'Mean chat sentiment (-1..1); null without chats.';
comment on column segflow_reference.customer_features.escalations is 'Chats escalated to a supervisor.';
comment on column segflow_reference.customer_features.escalation_rate is 'escalations / chats; null without chats.';
comment on column segflow_reference.customer_features.top_product_line is 'Product line with the most net revenue (ties: alphabetical); null without purchases.';
comment on column segflow_reference.customer_features.top_product_line_share is 'Share of net line revenue in the top product line; null without purchases.';
comment on column segflow_reference.customer_features.distinct_categories is 'Distinct product categories purchased.';
comment on column segflow_reference.customer_features.new_launch_item_share is 'Share of purchased units bought within 30 days of the product''s launch; null without purchases.';
comment on column segflow_reference.customer_features.replenishable_item_share is 'Share of purchased units of products with a replenishment cycle; null without purchases.';
comment on column segflow_reference.customer_features.median_days_between_orders is 'Median gap in days between consecutive purchase days; null with fewer than two purchase days.';
comment on column segflow_reference.customer_features.next_expected_order_date is 'Last purchase day plus the median gap; null with fewer than two purchase days.';
comment on column segflow_reference.customer_features.days_until_next_order is 'next_expected_order_date minus the as-of day (negative: overdue).';
comment on column segflow_reference.customer_features.country is 'ISO 3166-1 alpha-2 country of the customer.';
comment on column segflow_reference.customer_features.city is 'City of the customer.';
comment on column segflow_reference.customer_features.newsletter_opt_in is 'Subscribed to the newsletter.';
comment on column segflow_reference.customer_features.acquisition_channel is 'Channel through which the customer signed up.';
comment on column segflow_reference.customer_features.age_band is 'Age on the as-of day: <25, 25-34, 35-44, 45-54, 55-64, 65+; null if unknown.';
comment on column segflow_reference.customer_features.r_score is 'Recency score 1-5 among buyers (5 = most recent); null without purchases.';
comment on column segflow_reference.customer_features.f_score is 'Frequency score 1-5 among buyers; null without purchases.';
comment on column segflow_reference.customer_features.m_score is 'Monetary score 1-5 among buyers; null without purchases.';
comment on column segflow_reference.customer_features.rfm_score is 'The three scores as one code, e.g. ''545''; null without purchases.';
comment on column segflow_reference.customer_features.btyd_frequency is 'Repeat purchase days: distinct purchase days minus one; null without purchases.';
comment on column segflow_reference.customer_features.btyd_recency is 'Days from the first to the last purchase day; null without purchases.';
comment on column segflow_reference.customer_features.btyd_t is 'Days from the first purchase day to the as-of day; null without purchases.';
comment on column segflow_reference.customer_features.btyd_monetary_value is 'Mean net revenue of the repeat purchase days (first day excluded); 0 when btyd_frequency is 0.';
