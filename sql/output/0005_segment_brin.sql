-- Member lists through a BRIN index instead of a btree on (segmentation_key, segment_key).
--
-- The publisher writes each customer_segments partition ordered by segmentation_key,
-- segment_key and customer, so every segment's members lie in a few consecutive block
-- ranges: a BRIN index finds them almost as well as the btree did, takes a single pass
-- to build instead of a sort of every membership (the btree was the most expensive part
-- of a publish), and is a few pages instead of tens of megabytes. Partitions published
-- before this migration get a BRIN index too; it is correct on them, only less selective.
-- Lookups by customer keep using the primary key (customer_id, ...).

drop index customer_segments_segment_idx;

create index customer_segments_segment_brin on customer_segments
    using brin (segmentation_key, segment_key) with (pages_per_range = 16);

comment on index customer_segments_segment_brin is 'Member lists of a segment: BRIN over partitions written in (segmentation_key, segment_key, customer) order.';
