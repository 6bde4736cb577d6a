-- Moves between segments of the primary segmentation from the previous published
-- snapshot $2 (null for the first) to snapshot $1. A customer in no primary segment on
-- one side (new, removed, or simply unsegmented) counts with a null segment there.
-- The tests' oracle for the publisher's KPIs (SnapshotComparisons, the only production
-- implementation): Tests/SegflowTests/Load/KPIReferenceSQL.swift runs it and compares.
-- Reads four temporary views the test creates: snapshot_features / snapshot_segments
-- (the snapshot being computed) and previous_snapshot_features /
-- previous_snapshot_segments (empty for the first snapshot), each on a partition.
-- Runs with search_path set to the output schema.
insert into segment_transitions (as_of, previous_as_of, segmentation_key, from_segment, to_segment, customers)
with this_primary as (
    select customer_id, segmentation_key, segment_key
    from snapshot_segments
    where is_primary
),

previous_primary as (
    select customer_id, segmentation_key, segment_key
    from previous_snapshot_segments
    where is_primary
),

moves as (
    select
        segmentation_key,
        p.segment_key as from_segment,
        t.segment_key as to_segment
    from this_primary t
    full join previous_primary p using (customer_id, segmentation_key)
)

select $1::date, $2::date, segmentation_key, from_segment, to_segment, count(*)
from moves
group by segmentation_key, from_segment, to_segment
