-- Published snapshots: the list of as-of days, segment definitions, features and memberships.
--
-- customer_features and customer_segments are LIST-partitioned by as_of, one partition
-- per snapshot (customer_features_pYYYYMMDD). The publisher loads a new snapshot into a
-- standalone table and attaches it in the same transaction that records it in
-- snapshots, so readers see a whole snapshot or none of it (docs/output-tables.md).

create table snapshots (
    as_of          date        primary key,
    run_id         uuid        not null,
    config_hash    text        not null,
    previous_as_of date,
    customers      int8        not null,
    memberships    int8        not null,
    quarantined    int8        not null,
    published_at   timestamptz not null default now()
);

create index snapshots_config_hash_idx on snapshots (config_hash, as_of);

comment on table snapshots is 'Published snapshots, one row per as-of day. A row appears in the same transaction as the snapshot''s data; the latest as_of is what the current_* views show.';
comment on column snapshots.as_of is 'The as-of day: events before the end of this day (pipeline timezone) are included.';
comment on column snapshots.run_id is 'The run that published the snapshot (runs.run_id).';
comment on column snapshots.config_hash is 'Hash of the pipeline configuration that produced it; backfills skip as-of days already published with the same hash.';
comment on column snapshots.previous_as_of is 'The published snapshot before this one, which joined/left counts and segment transitions compare with; null for the first.';
comment on column snapshots.customers is 'Rows in customer_features for this as_of.';
comment on column snapshots.memberships is 'Rows in customer_segments for this as_of.';
comment on column snapshots.quarantined is 'Rows in quarantine for this as_of.';
comment on column snapshots.published_at is 'When the snapshot was (last) published.';

create table segment_definitions (
    as_of            date not null,
    segmentation_key text not null,
    segment_key      text not null,
    name             text not null,
    description      text,
    rule             text,
    actions          text[] not null default '{}',
    is_primary       bool not null,
    position         int4 not null,
    primary key (as_of, segmentation_key, segment_key)
);

comment on table segment_definitions is 'The segments as defined in the pipeline when the snapshot was published.';
comment on column segment_definitions.as_of is 'As-of day of the snapshot.';
comment on column segment_definitions.segmentation_key is 'Key of the segmentation (a family of segments, e.g. lifecycle).';
comment on column segment_definitions.segment_key is 'Key of the segment within its segmentation.';
comment on column segment_definitions.name is 'Display name of the segment.';
comment on column segment_definitions.description is 'What the segment means, for people.';
comment on column segment_definitions.rule is 'The segment''s rule as written in the pipeline (segflow expression language).';
comment on column segment_definitions.actions is 'Suggested actions for the segment''s customers.';
comment on column segment_definitions.is_primary is 'True for the segments of the primary segmentation, in which every customer is in at most one segment.';
comment on column segment_definitions.position is 'Order of the segment within its segmentation (rules are evaluated in this order).';

create table customer_features (
    as_of                      date not null,
    customer_id                int8 not null,
    recency_days               int4,
    frequency                  int4,
    monetary                   numeric(14,2),
    aov                        numeric(14,2),
    first_order_date           date,
    last_order_date            date,
    tenure_days                int4,
    orders_30d                 int4,
    orders_90d                 int4,
    orders_365d                int4,
    monetary_30d               numeric(14,2),
    monetary_90d               numeric(14,2),
    monetary_365d              numeric(14,2),
    cancelled_orders           int4,
    refunded_orders            int4,
    discounted_order_share     float8,
    avg_discount_rate          float8,
    full_price_order_share     float8,
    sessions_total             int4,
    sessions_30d               int4,
    sessions_90d               int4,
    days_since_last_visit      int4,
    sessions_without_order     int4,
    product_views_90d          int4,
    cart_adds_90d              int4,
    cart_abandonments_90d      int4,
    last_abandoned_category    text,
    preferred_channel          text,
    chats                      int4,
    chats_90d                  int4,
    customer_messages          int4,
    questions_per_chat         float8,
    messages_per_chat          float8,
    avg_csat                   float8,
    min_csat                   int4,
    avg_sentiment              float8,
    escalations                int4,
    escalation_rate            float8,
    top_product_line           text,
    top_product_line_share     float8,
    distinct_categories        int4,
    new_launch_item_share      float8,
    replenishable_item_share   float8,
    median_days_between_orders float8,
    next_expected_order_date   date,
    days_until_next_order      int4,
    country                    text,
    city                       text,
    newsletter_opt_in          bool,
    acquisition_channel        text,
    age_band                   text,
    r_score                    int4,
    f_score                    int4,
    m_score                    int4,
    rfm_score                  text,
    btyd_frequency             int4,
    btyd_recency               int4,
    btyd_t                     int4,
    btyd_monetary_value        float8,
    primary key (customer_id, as_of)
) partition by list (as_of);

comment on table customer_features is 'Features per customer and as-of day, one partition per snapshot; definitions in docs/semantics.md. Read current_customer_features for the latest snapshot.';
comment on column customer_features.as_of is 'As-of day of the snapshot (partition key).';
comment on column customer_features.customer_id is 'The customer (shop.customers.customer_id).';
comment on column customer_features.recency_days is 'Days from the last purchase to the as-of day; null without purchases.';
comment on column customer_features.frequency is 'Number of purchases (completed orders).';
comment on column customer_features.monetary is 'Net revenue of all purchases in the base currency.';
comment on column customer_features.aov is 'Average order value: monetary / frequency, rounded to the cent; null without purchases.';
comment on column customer_features.first_order_date is 'Local day of the first purchase.';
comment on column customer_features.last_order_date is 'Local day of the last purchase.';
comment on column customer_features.tenure_days is 'Days from the customer''s sign-up day to the as-of day.';
comment on column customer_features.orders_30d is 'Purchases in the 30 days ending on the as-of day.';
comment on column customer_features.orders_90d is 'Purchases in the 90 days ending on the as-of day.';
comment on column customer_features.orders_365d is 'Purchases in the 365 days ending on the as-of day.';
comment on column customer_features.monetary_30d is 'Net revenue of purchases in the trailing 30 days.';
comment on column customer_features.monetary_90d is 'Net revenue of purchases in the trailing 90 days.';
comment on column customer_features.monetary_365d is 'Net revenue of purchases in the trailing 365 days.';
comment on column customer_features.cancelled_orders is 'Orders cancelled (any time up to the as-of day).';
comment on column customer_features.refunded_orders is 'Orders refunded (any time up to the as-of day).';
comment on column customer_features.discounted_order_share is 'Share of purchases with an order discount, a line discount or a coupon; null without purchases.';
comment on column customer_features.avg_discount_rate is 'Mean of discount_total / subtotal over purchases; null without purchases.';
comment on column customer_features.full_price_order_share is 'Share of purchases with no discount of any kind; null without purchases.';
comment on column customer_features.sessions_total is 'Sessions of the customer (stitched anonymous ones included).';
comment on column customer_features.sessions_30d is 'Sessions in the trailing 30 days.';
comment on column customer_features.sessions_90d is 'Sessions in the trailing 90 days.';
comment on column customer_features.days_since_last_visit is 'Days from the last session to the as-of day; null without sessions.';
comment on column customer_features.sessions_without_order is 'Sessions to which no order is attributed.';
comment on column customer_features.product_views_90d is 'Product views in sessions of the trailing 90 days.';
comment on column customer_features.cart_adds_90d is 'Cart additions in sessions of the trailing 90 days.';
comment on column customer_features.cart_abandonments_90d is 'Sessions of the trailing 90 days with cart additions and no order by the customer within 24 hours (clipped at the cut-off).';
comment on column customer_features.last_abandoned_category is 'Category of the most recent abandoned cart; null if none.';
comment on column customer_features.preferred_channel is 'Channel of most sessions (ties: alphabetical); null without sessions.';
comment on column customer_features.chats is 'Support chats of the customer.';
comment on column customer_features.chats_90d is 'Support chats in the trailing 90 days.';
comment on column customer_features.customer_messages is 'Messages the customer wrote in chats.';
comment on column customer_features.questions_per_chat is 'Questions per chat; null without chats.';
comment on column customer_features.messages_per_chat is 'Customer messages per chat; null without chats.';
comment on column customer_features.avg_csat is 'Mean CSAT (1-5) of rated chats; null if none rated.';
comment on column customer_features.min_csat is 'Lowest CSAT given; null if none rated.';
comment on column customer_features.avg_sentiment is 'Mean chat sentiment (-1..1); null without chats.';
comment on column customer_features.escalations is 'Chats escalated to a supervisor.';
comment on column customer_features.escalation_rate is 'escalations / chats; null without chats.';
comment on column customer_features.top_product_line is 'Product line with the most net revenue (ties: alphabetical); null without purchases.';
comment on column customer_features.top_product_line_share is 'Share of net line revenue in the top product line; null without purchases.';
comment on column customer_features.distinct_categories is 'Distinct product categories purchased.';
comment on column customer_features.new_launch_item_share is 'Share of purchased units bought within 30 days of the product''s launch; null without purchases.';
comment on column customer_features.replenishable_item_share is 'Share of purchased units of products with a replenishment cycle; null without purchases.';
comment on column customer_features.median_days_between_orders is 'Median gap in days between consecutive purchase days; null with fewer than two purchase days.';
comment on column customer_features.next_expected_order_date is 'Last purchase day plus the median gap; null with fewer than two purchase days.';
comment on column customer_features.days_until_next_order is 'next_expected_order_date minus the as-of day (negative: overdue).';
comment on column customer_features.country is 'ISO 3166-1 alpha-2 country of the customer.';
comment on column customer_features.city is 'City of the customer.';
comment on column customer_features.newsletter_opt_in is 'Subscribed to the newsletter.';
comment on column customer_features.acquisition_channel is 'Channel through which the customer signed up.';
comment on column customer_features.age_band is 'Age on the as-of day: <25, 25-34, 35-44, 45-54, 55-64, 65+; null if unknown.';
comment on column customer_features.r_score is 'Recency score 1-5 among buyers (5 = most recent); null without purchases.';
comment on column customer_features.f_score is 'Frequency score 1-5 among buyers; null without purchases.';
comment on column customer_features.m_score is 'Monetary score 1-5 among buyers; null without purchases.';
comment on column customer_features.rfm_score is 'The three scores as one code, e.g. ''545''; null without purchases.';
comment on column customer_features.btyd_frequency is 'Repeat purchase days: distinct purchase days minus one; null without purchases.';
comment on column customer_features.btyd_recency is 'Days from the first to the last purchase day; null without purchases.';
comment on column customer_features.btyd_t is 'Days from the first purchase day to the as-of day; null without purchases.';
comment on column customer_features.btyd_monetary_value is 'Mean net revenue of the repeat purchase days (first day excluded); 0 when btyd_frequency is 0.';

create table customer_segments (
    as_of            date not null,
    customer_id      int8 not null,
    segmentation_key text not null,
    segment_key      text not null,
    is_primary       bool not null,
    primary key (customer_id, segmentation_key, segment_key, as_of)
) partition by list (as_of);

create index customer_segments_segment_idx on customer_segments (segmentation_key, segment_key);

comment on table customer_segments is 'Segment memberships per customer and as-of day, one partition per snapshot. Read current_customer_segments for the latest snapshot.';
comment on column customer_segments.as_of is 'As-of day of the snapshot (partition key).';
comment on column customer_segments.customer_id is 'The customer (customer_features.customer_id).';
comment on column customer_segments.segmentation_key is 'The segmentation (segment_definitions.segmentation_key).';
comment on column customer_segments.segment_key is 'The segment (segment_definitions.segment_key).';
comment on column customer_segments.is_primary is 'True when the segment belongs to the primary segmentation.';
