-- KPIs per segment of snapshot $1, compared with the previous published snapshot $2
-- (null for the first). The formulas are the column comments of segment_kpis.
-- The tests' oracle for the publisher's KPIs (SnapshotComparisons, the only production
-- implementation): Tests/SegflowTests/Load/KPIReferenceSQL.swift runs it and compares.
-- Reads four temporary views the test creates: snapshot_features / snapshot_segments
-- (the snapshot being computed) and previous_snapshot_features /
-- previous_snapshot_segments (empty for the first snapshot), each on a partition.
-- Runs with search_path set to the output schema.
insert into segment_kpis (
    as_of, segmentation_key, segment_key, members, share, members_joined, members_left,
    buyers, revenue_30d, orders_30d, aov_30d, conversion_rate_30d, repeat_purchase_rate,
    cart_abandonment_rate_90d, avg_csat, discounted_order_share
)
with snapshot_size as (
    select count(*) as customers
    from snapshot_features
),

member_totals as (
    select
        s.segmentation_key,
        s.segment_key,
        count(*)                                                      as members,
        count(*) filter (where f.frequency >= 1)                      as buyers,
        count(*) filter (where f.frequency >= 2)                      as repeat_buyers,
        coalesce(sum(f.monetary_30d), 0)                              as revenue_30d,
        coalesce(sum(f.orders_30d), 0)                                as orders_30d,
        coalesce(sum(f.sessions_30d), 0)                              as sessions_30d,
        coalesce(sum(f.orders_90d), 0)                                as orders_90d,
        coalesce(sum(f.cart_abandonments_90d), 0)                     as cart_abandonments_90d,
        avg(f.avg_csat)                                               as avg_csat,
        avg(f.discounted_order_share) filter (where f.frequency >= 1) as discounted_order_share
    from snapshot_segments s
    join snapshot_features f on f.customer_id = s.customer_id
    group by s.segmentation_key, s.segment_key
),

-- Who is in a segment now and was not before (joined), or the other way round (left).
movements as (
    select
        segmentation_key,
        segment_key,
        count(*) filter (where p.customer_id is null) as members_joined,
        count(*) filter (where t.customer_id is null) as members_left
    from (select segmentation_key, segment_key, customer_id from snapshot_segments) as t
    full join (select segmentation_key, segment_key, customer_id from previous_snapshot_segments) as p
        using (segmentation_key, segment_key, customer_id)
    where $2::date is not null
    group by segmentation_key, segment_key
),

-- Defined segments (even empty), plus segments that only lost members.
segments as (
    select segmentation_key, segment_key from segment_definitions where as_of = $1::date
    union
    select segmentation_key, segment_key from member_totals
    union
    select segmentation_key, segment_key from movements
)

select
    $1::date,
    g.segmentation_key,
    g.segment_key,
    coalesce(t.members, 0),
    coalesce(t.members, 0)::float8 / nullif(z.customers, 0),
    case when $2::date is not null then coalesce(m.members_joined, 0) end,
    case when $2::date is not null then coalesce(m.members_left, 0) end,
    coalesce(t.buyers, 0),
    coalesce(t.revenue_30d, 0),
    coalesce(t.orders_30d, 0),
    round(t.revenue_30d / nullif(t.orders_30d, 0), 2),
    t.orders_30d::float8 / nullif(t.sessions_30d, 0),
    t.repeat_buyers::float8 / nullif(t.buyers, 0),
    t.cart_abandonments_90d::float8 / nullif(t.cart_abandonments_90d + t.orders_90d, 0),
    t.avg_csat,
    t.discounted_order_share
from segments g
cross join snapshot_size z
left join member_totals t using (segmentation_key, segment_key)
left join movements m using (segmentation_key, segment_key)
