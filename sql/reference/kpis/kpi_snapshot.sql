-- Store-wide KPIs of snapshot $1, compared with the previous published snapshot $2
-- (null for the first). Same measures as segment_kpis, over all customers.
-- The tests' oracle for the publisher's KPIs (SnapshotComparisons, the only production
-- implementation): Tests/SegflowTests/Load/KPIReferenceSQL.swift runs it and compares.
-- Reads four temporary views the test creates: snapshot_features / snapshot_segments
-- (the snapshot being computed) and previous_snapshot_features /
-- previous_snapshot_segments (empty for the first snapshot), each on a partition.
-- Runs with search_path set to the output schema.
insert into kpi_snapshots (
    as_of, previous_as_of, customers, new_customers, removed_customers, buyers,
    revenue_30d, orders_30d, aov_30d, conversion_rate_30d, repeat_purchase_rate,
    cart_abandonment_rate_90d, avg_csat, discounted_order_share
)
with totals as (
    select
        count(*)                                                    as customers,
        count(*) filter (where frequency >= 1)                      as buyers,
        count(*) filter (where frequency >= 2)                      as repeat_buyers,
        coalesce(sum(monetary_30d), 0)                              as revenue_30d,
        coalesce(sum(orders_30d), 0)                                as orders_30d,
        coalesce(sum(sessions_30d), 0)                              as sessions_30d,
        coalesce(sum(orders_90d), 0)                                as orders_90d,
        coalesce(sum(cart_abandonments_90d), 0)                     as cart_abandonments_90d,
        avg(avg_csat)                                               as avg_csat,
        avg(discounted_order_share) filter (where frequency >= 1)   as discounted_order_share
    from snapshot_features
),

-- Customers who appeared or disappeared since the previous snapshot.
movements as (
    select
        count(*) filter (where p.customer_id is null) as new_customers,
        count(*) filter (where t.customer_id is null) as removed_customers
    from (select customer_id from snapshot_features) as t
    full join (select customer_id from previous_snapshot_features) as p using (customer_id)
    where $2::date is not null
)

select
    $1::date,
    $2::date,
    t.customers,
    case when $2::date is not null then m.new_customers end,
    case when $2::date is not null then m.removed_customers end,
    t.buyers,
    t.revenue_30d,
    t.orders_30d,
    round(t.revenue_30d / nullif(t.orders_30d, 0), 2),
    t.orders_30d::float8 / nullif(t.sessions_30d, 0),
    t.repeat_buyers::float8 / nullif(t.buyers, 0),
    t.cart_abandonments_90d::float8 / nullif(t.cart_abandonments_90d + t.orders_90d, 0),
    t.avg_csat,
    t.discounted_order_share
from totals t
cross join movements m
