-- segment_membership_changes: who entered and who left each segment, per published snapshot,
-- against the snapshot before it (snapshots.previous_as_of). For tools that read the database
-- and sync only changes (reverse ETL, e-mail platforms); `segflow export --changes` reads it.
--
-- Built on the published tables only: each side is one customer_segments partition (the
-- as_of predicates prune to it) and the other side is probed through the primary key
-- (customer_id, segmentation_key, segment_key, as_of) as an anti-join. Filters on as_of,
-- segmentation_key and segment_key reach both branches of the union, so asking for one
-- segment of one as_of reads that segment's members (the BRIN index) of two partitions.
-- Every segmentation is covered, overlays included; segment_transitions counts the moves of
-- the primary segmentation only.

create view segment_membership_changes as
select s.as_of, s.previous_as_of, c.customer_id, c.segmentation_key, c.segment_key, c.is_primary,
       'entered'::text as change
from snapshots s
join customer_segments c on c.as_of = s.as_of
where not exists (
    select from customer_segments p
    where p.as_of = s.previous_as_of
      and p.customer_id = c.customer_id and p.segmentation_key = c.segmentation_key and p.segment_key = c.segment_key
)
union all
select s.as_of, s.previous_as_of, p.customer_id, p.segmentation_key, p.segment_key, p.is_primary,
       'left'::text as change
from snapshots s
join customer_segments p on p.as_of = s.previous_as_of
where not exists (
    select from customer_segments c
    where c.as_of = s.as_of
      and c.customer_id = p.customer_id and c.segmentation_key = p.segmentation_key and c.segment_key = p.segment_key
);

comment on view segment_membership_changes is 'Segment memberships that began or ended with a published snapshot: one row per (as_of, customer, segmentation, segment) whose membership differs from the previous published snapshot. Customers who stayed are not listed. For the first snapshot (previous_as_of null) every membership is ''entered''. Filter on as_of (and segment) to read one feed; segflow export --changes reads this view.';
comment on column segment_membership_changes.as_of is 'The snapshot in which the change is seen (snapshots.as_of).';
comment on column segment_membership_changes.previous_as_of is 'The snapshot compared with (snapshots.previous_as_of); null for the first snapshot.';
comment on column segment_membership_changes.customer_id is 'The customer (customer_segments.customer_id). A customer who left may be absent from this as_of''s customer_features.';
comment on column segment_membership_changes.segmentation_key is 'The segmentation (segment_definitions.segmentation_key).';
comment on column segment_membership_changes.segment_key is 'The segment, unique within its segmentation (segment_definitions.segment_key).';
comment on column segment_membership_changes.is_primary is 'True when the segment belongs to the primary segmentation.';
comment on column segment_membership_changes.change is '''entered'': a member on as_of and not on previous_as_of; ''left'': a member on previous_as_of and not on as_of.';
