-- Members of each primary segment per month: the month's latest snapshot, never a sum of
-- the month's snapshots (members are point-in-time).
-- Grain: one row per month and primary segment.
select
    month,
    as_of,
    segment_position,
    segment_name,
    members,
    share
from segflow_bi.fct_segment_kpis_monthly
where is_primary
order by month, segment_position, segment_key;
