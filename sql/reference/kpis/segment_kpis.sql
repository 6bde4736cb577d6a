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
    cart_abandonment_rate_90d, avg_csat, discounted_order_share,
    control_members, treatment_revenue_per_member_30d, control_revenue_per_member_30d,
    treatment_conversion_rate_30d, control_conversion_rate_30d,
    treatment_repeat_purchase_rate, control_repeat_purchase_rate
)
with snapshot_size as (
    select count(*) as customers
    from snapshot_features
),

-- Per segment: all members (side 'all'), and split by is_control ('treatment', 'control').
member_totals as (
    select
        s.segmentation_key,
        s.segment_key,
        case when grouping(s.is_control) = 1 then 'all'
             when s.is_control then 'control' else 'treatment' end      as side,
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
    group by grouping sets ((s.segmentation_key, s.segment_key), (s.segmentation_key, s.segment_key, s.is_control))
),

-- Each ratio once, for every side.
ratios as (
    select
        segmentation_key,
        segment_key,
        side,
        members,
        round(revenue_30d / nullif(members, 0), 2)                                   as revenue_per_member_30d,
        round(revenue_30d / nullif(orders_30d, 0), 2)                                as aov_30d,
        orders_30d::float8 / nullif(sessions_30d, 0)                                 as conversion_rate_30d,
        repeat_buyers::float8 / nullif(buyers, 0)                                    as repeat_purchase_rate,
        cart_abandonments_90d::float8 / nullif(cart_abandonments_90d + orders_90d, 0) as cart_abandonment_rate_90d
    from member_totals
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
    select segmentation_key, segment_key from member_totals where side = 'all'
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
    r.aov_30d,
    r.conversion_rate_30d,
    r.repeat_purchase_rate,
    r.cart_abandonment_rate_90d,
    t.avg_csat,
    t.discounted_order_share,
    coalesce(ct.members, 0),
    tr.revenue_per_member_30d,
    ct.revenue_per_member_30d,
    tr.conversion_rate_30d,
    ct.conversion_rate_30d,
    tr.repeat_purchase_rate,
    ct.repeat_purchase_rate
from segments g
cross join snapshot_size z
left join member_totals t on (t.segmentation_key, t.segment_key, t.side) = (g.segmentation_key, g.segment_key, 'all')
left join ratios r on (r.segmentation_key, r.segment_key, r.side) = (g.segmentation_key, g.segment_key, 'all')
left join ratios tr on (tr.segmentation_key, tr.segment_key, tr.side) = (g.segmentation_key, g.segment_key, 'treatment')
left join ratios ct on (ct.segmentation_key, ct.segment_key, ct.side) = (g.segmentation_key, g.segment_key, 'control')
left join movements m on (m.segmentation_key, m.segment_key) = (g.segmentation_key, g.segment_key)
