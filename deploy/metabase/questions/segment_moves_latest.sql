-- Customers moving between primary segments from the previous snapshot to the latest,
-- with names and positions on both sides; days_since_previous says how far apart the
-- two snapshots are (a day and a month of moves are not comparable).
-- Grain: one row per (from segment, to segment) on the latest as_of.
select
    m.previous_as_of,
    m.as_of,
    m.days_since_previous,
    m.from_segment_name,
    m.to_segment_name,
    m.customers
from segflow_bi.fct_segment_moves m
join segflow_bi.snapshot_calendar c on c.as_of = m.as_of
where c.is_latest
order by m.from_segment_position nulls first, m.from_segment_key, m.to_segment_position nulls first, m.to_segment_key;
