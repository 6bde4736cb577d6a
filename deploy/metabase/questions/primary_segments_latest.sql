-- Primary segments in the latest snapshot: members, share and AOV, in segment order.
-- Grain: one row per segment of the primary segmentation (is_primary) on the latest as_of.
-- members sum to at most the snapshot's customers (every customer is in at most one
-- primary segment); aov_30d is the segment's own ratio, never average it over segments.
select
    segment_position,
    segment_name,
    segment_description,
    members,
    share,
    revenue_30d,
    orders_30d,
    aov_30d,
    members_joined,
    members_left,
    previous_as_of
from segflow_bi.fct_segment_kpis
where is_latest
  and is_primary
order by segment_position, segment_key;
