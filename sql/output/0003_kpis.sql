-- KPIs per segment and store-wide, and segment transitions between snapshots.
--
-- All three are computed in SQL by the publisher, inside the publish transaction, from
-- the snapshot's customer_features and customer_segments (sql/output/publish/). The
-- formulas are repeated in the column comments. "Buyers" are customers with
-- frequency >= 1; sums over no rows are 0, ratios with a zero denominator are null.

create table segment_kpis (
    as_of                     date          not null,
    segmentation_key          text          not null,
    segment_key               text          not null,
    members                   int8          not null,
    share                     float8,
    members_joined            int8,
    members_left              int8,
    buyers                    int8          not null,
    revenue_30d               numeric(16,2) not null,
    orders_30d                int8          not null,
    aov_30d                   numeric(14,2),
    conversion_rate_30d       float8,
    repeat_purchase_rate      float8,
    cart_abandonment_rate_90d float8,
    avg_csat                  float8,
    discounted_order_share    float8,
    primary key (as_of, segmentation_key, segment_key)
);

create index segment_kpis_segment_idx on segment_kpis (segmentation_key, segment_key, as_of);

comment on table segment_kpis is 'KPIs per segment and as-of day, computed from the snapshot''s features when it is published. One row per defined segment (members 0 when empty) and per segment that lost all its members since the previous snapshot.';
comment on column segment_kpis.as_of is 'As-of day of the snapshot.';
comment on column segment_kpis.segmentation_key is 'The segmentation (segment_definitions.segmentation_key).';
comment on column segment_kpis.segment_key is 'The segment (segment_definitions.segment_key).';
comment on column segment_kpis.members is 'count(customers in the segment).';
comment on column segment_kpis.share is 'members / count(customers in the snapshot); null for an empty snapshot.';
comment on column segment_kpis.members_joined is 'Members now that were not members of this segment in the previous published snapshot (snapshots.previous_as_of), new customers included; null for the first snapshot.';
comment on column segment_kpis.members_left is 'Members of this segment in the previous published snapshot that are not members now (removed customers included); null for the first snapshot.';
comment on column segment_kpis.buyers is 'count(members with frequency >= 1).';
comment on column segment_kpis.revenue_30d is 'sum(monetary_30d) over members: net revenue of their purchases in the trailing 30 days, base currency.';
comment on column segment_kpis.orders_30d is 'sum(orders_30d) over members: their purchases in the trailing 30 days.';
comment on column segment_kpis.aov_30d is 'round(revenue_30d / orders_30d, 2) (half away from zero); null when orders_30d = 0.';
comment on column segment_kpis.conversion_rate_30d is 'sum(orders_30d) / sum(sessions_30d) over members: purchases per session in the trailing 30 days (may exceed 1 for customers who buy without a tracked session); null without sessions.';
comment on column segment_kpis.repeat_purchase_rate is 'count(members with frequency >= 2) / count(members with frequency >= 1); null without buyers.';
comment on column segment_kpis.cart_abandonment_rate_90d is 'sum(cart_abandonments_90d) / (sum(cart_abandonments_90d) + sum(orders_90d)) over members: abandoned carts among carts that ended either abandoned or in a purchase, trailing 90 days; null when both are 0.';
comment on column segment_kpis.avg_csat is 'avg(avg_csat) over members who rated a chat: the mean of the customers'' mean CSAT (1-5); null if none rated.';
comment on column segment_kpis.discounted_order_share is 'avg(discounted_order_share) over buyers among the members: the mean per buyer of the share of purchases with a discount; null without buyers.';

create table kpi_snapshots (
    as_of                     date          primary key,
    previous_as_of            date,
    customers                 int8          not null,
    new_customers             int8,
    removed_customers         int8,
    buyers                    int8          not null,
    revenue_30d               numeric(16,2) not null,
    orders_30d                int8          not null,
    aov_30d                   numeric(14,2),
    conversion_rate_30d       float8,
    repeat_purchase_rate      float8,
    cart_abandonment_rate_90d float8,
    avg_csat                  float8,
    discounted_order_share    float8
);

comment on table kpi_snapshots is 'Store-wide KPIs per as-of day: the measures of segment_kpis over all customers of the snapshot.';
comment on column kpi_snapshots.as_of is 'As-of day of the snapshot.';
comment on column kpi_snapshots.previous_as_of is 'The previous published snapshot that new_customers and removed_customers compare with; null for the first.';
comment on column kpi_snapshots.customers is 'count(customers in the snapshot).';
comment on column kpi_snapshots.new_customers is 'Customers in this snapshot that were not in the previous one; null for the first snapshot.';
comment on column kpi_snapshots.removed_customers is 'Customers in the previous snapshot that are not in this one; null for the first snapshot.';
comment on column kpi_snapshots.buyers is 'count(customers with frequency >= 1).';
comment on column kpi_snapshots.revenue_30d is 'sum(monetary_30d): net revenue of purchases in the trailing 30 days, base currency.';
comment on column kpi_snapshots.orders_30d is 'sum(orders_30d): purchases in the trailing 30 days.';
comment on column kpi_snapshots.aov_30d is 'round(revenue_30d / orders_30d, 2) (half away from zero); null when orders_30d = 0.';
comment on column kpi_snapshots.conversion_rate_30d is 'sum(orders_30d) / sum(sessions_30d); null without sessions.';
comment on column kpi_snapshots.repeat_purchase_rate is 'count(frequency >= 2) / count(frequency >= 1); null without buyers.';
comment on column kpi_snapshots.cart_abandonment_rate_90d is 'sum(cart_abandonments_90d) / (sum(cart_abandonments_90d) + sum(orders_90d)); null when both are 0.';
comment on column kpi_snapshots.avg_csat is 'avg(avg_csat) over customers who rated a chat; null if none rated.';
comment on column kpi_snapshots.discounted_order_share is 'avg(discounted_order_share) over buyers; null without buyers.';

create table segment_transitions (
    as_of            date not null,
    previous_as_of   date,
    segmentation_key text not null,
    from_segment     text,
    to_segment       text,
    customers        int8 not null
);

create index segment_transitions_as_of_idx on segment_transitions (as_of, segmentation_key);

comment on table segment_transitions is 'Customers moving between segments of the primary segmentation from the previous published snapshot to this one: one row per (from_segment, to_segment) pair that occurs, staying customers included (from = to).';
comment on column segment_transitions.as_of is 'As-of day of the snapshot customers moved to.';
comment on column segment_transitions.previous_as_of is 'The previous published snapshot customers moved from; null for the first snapshot (then every from_segment is null).';
comment on column segment_transitions.segmentation_key is 'The primary segmentation.';
comment on column segment_transitions.from_segment is 'Segment in the previous snapshot; null for customers who were in none (new customers).';
comment on column segment_transitions.to_segment is 'Segment in this snapshot; null for customers who are in none now (removed customers).';
comment on column segment_transitions.customers is 'Number of customers who made this move.';
