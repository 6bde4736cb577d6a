-- Moves between segments of the primary segmentation from the previous published
-- snapshot $2 (null for the first) to snapshot $1. A customer in no primary segment on
-- one side (new, removed, or simply unsegmented) counts with a null segment there.
insert into segment_transitions (as_of, previous_as_of, segmentation_key, from_segment, to_segment, customers)
with this_primary as (
    select customer_id, segmentation_key, segment_key
    from customer_segments
    where as_of = $1::date and is_primary
),

previous_primary as (
    select customer_id, segmentation_key, segment_key
    from customer_segments
    where as_of = $2::date and is_primary
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
