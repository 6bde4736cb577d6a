-- int_visitor_stitching: the customer of each visitor that ever logged in before T.
--
-- A visitor's customer is the customer_id of its earliest logged-in session row (customer_id
-- not null) of the snapshot (so before T) that passes the row checks (not future, not a bot,
-- a kept customer, no negative counters); every copy of a duplicated session counts, as
-- the copies carry the same login. Ties: lowest customer_id. Visitors that never logged in
-- before T have no row: their anonymous sessions belong to nobody.

create unlogged table segflow_reference.int_visitor_stitching as
select distinct on (s.visitor_id)
    s.visitor_id,
    s.customer_id,
    s.started_at as first_login_at
from segflow_reference.base_sessions as s
where s.row_reject_reason is null
  and s.customer_id is not null
  and s.visitor_id is not null
order by s.visitor_id, s.started_at nulls last, s.customer_id;

analyze segflow_reference.int_visitor_stitching;
