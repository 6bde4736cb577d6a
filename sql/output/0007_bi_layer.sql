-- A BI layer a BI tool cannot misread, and partitions out of its sight.
--
-- Two companion schemas, named after the output schema (for the default `segflow`:
-- `segflow_bi` and `segflow_partitions`; OutputSchemas in Sources/Segflow/Schema holds the
-- same rule for the publisher and `segflow grant-bi`):
--
-- * `<schema>_partitions` holds the partitions of customer_features and customer_segments
--   (PostgreSQL lets a partition live in another schema than its parent). The publisher
--   creates new ones there; this migration moves the existing ones. Readers of the parent
--   tables see the same rows as before; a BI tool's table picker no longer lists two
--   tables per snapshot.
-- * `<schema>_bi` holds views in the spirit of dbt marts (dim_ = descriptions, fct_ =
--   measures): segment KPIs with the segment's name, description, position, is_primary
--   and previous_as_of in place; one grain per view, stated in its comment; every column
--   says whether it may be summed across as_of (point-in-time levels must not be);
--   ratios come with their numerator and denominator so that a BI tool computes
--   sum(numerator) / sum(denominator) instead of averaging ratios.
--
-- The base tables are unchanged. `segflow grant-bi --role R` gives a read-only role the
-- BI layer and the published tables, never quarantine, runs or the sources.

do $$
declare
    output     text := current_schema();
    partitions text := current_schema() || '_partitions';
    bi         text := current_schema() || '_bi';
    part       record;
begin
    -- Created only when missing: `create schema if not exists` checks the database's CREATE
    -- privilege first, which a least-privilege role that owns pre-created schemas lacks.
    if not exists (select from pg_namespace where nspname = partitions) then
        execute format('create schema %I', partitions);
    end if;
    execute format('comment on schema %I is %L', partitions,
        'Snapshot partitions of ' || output || '.customer_features and ' || output || '.customer_segments, one per as-of day, created by the publisher. Query the parent tables (or the ' || bi || ' views), never these.');
    if not exists (select from pg_namespace where nspname = bi) then
        execute format('create schema %I', bi);
    end if;
    execute format('comment on schema %I is %L', bi,
        'The BI layer of ' || output || ': views with one stated grain each; every column says whether it may be summed across as_of. Start here in a BI tool.');
    for part in
        select c.relname, c.oid
        from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        where i.inhparent in ('customer_features'::regclass, 'customer_segments'::regclass)
          and c.relnamespace = (select oid from pg_namespace where nspname = output)
    loop
        execute format('alter table %I.%I set schema %I', output, part.relname, partitions);
    end loop;
    for part in
        select c.relname, p.relname as parent, pg_get_expr(c.relpartbound, c.oid) as bound
        from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        join pg_class p on p.oid = i.inhparent
        where i.inhparent in ('customer_features'::regclass, 'customer_segments'::regclass)
    loop
        execute format('comment on table %I.%I is %L', partitions, part.relname,
            'Partition of ' || output || '.' || part.parent || ' (' || part.bound || '); query the parent table, whose columns are commented.');
    end loop;
    -- The views below land in the BI schema (first in the path) and read the base tables
    -- of the output schema; no BI view has the name of a base table.
    perform set_config('search_path', format('%I, %I, pg_catalog, pg_temp', bi, output), true);
end
$$;

-- ---------------------------------------------------------------------------------------
-- snapshot_calendar: which snapshots exist, how far apart, and which one stands for a month.

create view snapshot_calendar as
with published as (
    select as_of, previous_as_of, customers, date_trunc('month', as_of)::date as month
    from snapshots
)
select
    as_of,
    previous_as_of,
    as_of - previous_as_of                          as days_since_previous,
    month,
    as_of = max(as_of) over (partition by month)    as is_latest_in_month,
    as_of = max(as_of) over ()                      as is_latest,
    customers
from published;

comment on view snapshot_calendar is 'Grain: one row per published snapshot (as_of). The one definition of previous_as_of, the gap between snapshots and "the snapshot that stands for a month" (its latest published as_of), which every fct_ view uses.';
comment on column snapshot_calendar.as_of is 'Dimension. As-of day of the snapshot: events before the end of this day (pipeline timezone) are included.';
comment on column snapshot_calendar.previous_as_of is 'Dimension. The published snapshot before this one, which flows (joined, left, added, removed, moves) compare with; null for the first.';
comment on column snapshot_calendar.days_since_previous is 'Dimension. as_of - previous_as_of in days: 1 for daily snapshots, about 30 for monthly ones. Flows of snapshots with different gaps are not comparable.';
comment on column snapshot_calendar.month is 'Dimension. First day of the calendar month of as_of.';
comment on column snapshot_calendar.is_latest_in_month is 'Dimension. True for the latest published snapshot of its month (the month-end snapshot once the month is over): the one the _monthly views keep.';
comment on column snapshot_calendar.is_latest is 'Dimension. True for the latest published snapshot.';
comment on column snapshot_calendar.customers is 'Point-in-time: customers in the snapshot. Never sum across as_of (use the latest or MAX per period).';

-- ---------------------------------------------------------------------------------------
-- dim_segment: what each segment is, as the latest snapshot that defines it says.

create view dim_segment as
with definitions as (
    select
        d.*,
        row_number() over (partition by segmentation_key, segment_key order by as_of desc) as newest_first,
        min(as_of) over (partition by segmentation_key, segment_key)                      as first_defined_as_of
    from segment_definitions d
)
select
    segmentation_key,
    segment_key,
    name        as segment_name,
    description as segment_description,
    position    as segment_position,
    is_primary,
    rule,
    actions,
    first_defined_as_of,
    as_of       as last_defined_as_of
from definitions
where newest_first = 1;

comment on view dim_segment is 'Grain: one row per segment (segmentation_key, segment_key) ever defined, described by the latest snapshot that defines it. No measures.';
comment on column dim_segment.segmentation_key is 'Dimension. Key of the segmentation (a family of segments, e.g. lifecycle).';
comment on column dim_segment.segment_key is 'Dimension. Key of the segment within its segmentation (the lifecycle segment new_customers is a segment, unrelated to the store KPI customers_added).';
comment on column dim_segment.segment_name is 'Dimension. Display name of the segment.';
comment on column dim_segment.segment_description is 'Dimension. What the segment means, for people.';
comment on column dim_segment.segment_position is 'Dimension. Order of the segment within its segmentation: sort legends and tables by it, not by name.';
comment on column dim_segment.is_primary is 'Dimension. True for the primary segmentation (primary: true in the pipeline file): each customer is in at most one of its segments, so its members add up to at most the customers of a snapshot. Other segmentations overlap.';
comment on column dim_segment.rule is 'Dimension. The segment''s rule as written in the pipeline (segflow expression language).';
comment on column dim_segment.actions is 'Dimension. Suggested actions for the segment''s customers.';
comment on column dim_segment.first_defined_as_of is 'Dimension. First snapshot that defines the segment.';
comment on column dim_segment.last_defined_as_of is 'Dimension. Latest snapshot that defines the segment; its definition is the one shown.';

-- ---------------------------------------------------------------------------------------
-- fct_segment_kpis: the KPIs of each segment in each snapshot, described.

create view fct_segment_kpis as
with kpis as (
    select * from segment_kpis
),
definitions as (
    select as_of, segmentation_key, segment_key, name, description, position, is_primary
    from segment_definitions
),
segmentations as (
    select as_of, segmentation_key, bool_or(is_primary) as is_primary
    from segment_definitions
    group by as_of, segmentation_key
),
calendar as (
    select * from snapshot_calendar
)
select
    k.as_of,
    c.previous_as_of,
    c.days_since_previous,
    c.month,
    c.is_latest_in_month,
    c.is_latest,
    k.segmentation_key,
    k.segment_key,
    coalesce(d.name, k.segment_key)                            as segment_name,
    d.description                                              as segment_description,
    d.position                                                 as segment_position,
    coalesce(d.is_primary, s.is_primary, false)                as is_primary,
    k.members,
    c.customers                                                as snapshot_customers,
    k.buyers,
    coalesce(round(k.repeat_purchase_rate * k.buyers), 0)::int8 as repeat_buyers,
    k.revenue_30d,
    k.orders_30d,
    k.members_joined,
    k.members_left,
    k.share,
    k.aov_30d,
    k.conversion_rate_30d,
    k.repeat_purchase_rate,
    k.cart_abandonment_rate_90d,
    k.avg_csat,
    k.discounted_order_share
from kpis k
join calendar c on c.as_of = k.as_of
left join definitions d on d.as_of = k.as_of and d.segmentation_key = k.segmentation_key and d.segment_key = k.segment_key
left join segmentations s on s.as_of = k.as_of and s.segmentation_key = k.segmentation_key;

-- ---------------------------------------------------------------------------------------
-- fct_segment_kpis_monthly: one snapshot per month, so that month-grain charts are right.

create view fct_segment_kpis_monthly as
select
    month,
    as_of,
    segmentation_key,
    segment_key,
    segment_name,
    segment_description,
    segment_position,
    is_primary,
    members,
    snapshot_customers,
    buyers,
    repeat_buyers,
    revenue_30d,
    orders_30d,
    share,
    aov_30d,
    conversion_rate_30d,
    repeat_purchase_rate,
    cart_abandonment_rate_90d,
    avg_csat,
    discounted_order_share
from fct_segment_kpis
where is_latest_in_month;

-- ---------------------------------------------------------------------------------------
-- fct_store_kpis: the store-wide KPIs of each snapshot.

create view fct_store_kpis as
with kpis as (
    select * from kpi_snapshots
),
calendar as (
    select * from snapshot_calendar
)
select
    k.as_of,
    c.previous_as_of,
    c.days_since_previous,
    c.month,
    c.is_latest_in_month,
    c.is_latest,
    k.customers,
    k.buyers,
    coalesce(round(k.repeat_purchase_rate * k.buyers), 0)::int8 as repeat_buyers,
    k.revenue_30d,
    k.orders_30d,
    k.new_customers                                            as customers_added,
    k.removed_customers                                        as customers_removed,
    k.aov_30d,
    k.conversion_rate_30d,
    k.repeat_purchase_rate,
    k.cart_abandonment_rate_90d,
    k.avg_csat,
    k.discounted_order_share
from kpis k
join calendar c on c.as_of = k.as_of;

create view fct_store_kpis_monthly as
select
    month,
    as_of,
    customers,
    buyers,
    repeat_buyers,
    revenue_30d,
    orders_30d,
    aov_30d,
    conversion_rate_30d,
    repeat_purchase_rate,
    cart_abandonment_rate_90d,
    avg_csat,
    discounted_order_share
from fct_store_kpis
where is_latest_in_month;

-- ---------------------------------------------------------------------------------------
-- fct_segment_moves: customers moving between primary segments, with names on both sides.

create view fct_segment_moves as
with transitions as (
    select * from segment_transitions
),
definitions as (
    select as_of, segmentation_key, segment_key, name, position
    from segment_definitions
)
select
    t.as_of,
    t.previous_as_of,
    t.as_of - t.previous_as_of                     as days_since_previous,
    t.segmentation_key,
    t.from_segment                                 as from_segment_key,
    coalesce(f.name, t.from_segment, '(none)')     as from_segment_name,
    f.position                                     as from_segment_position,
    t.to_segment                                   as to_segment_key,
    coalesce(n.name, t.to_segment, '(none)')       as to_segment_name,
    n.position                                     as to_segment_position,
    t.from_segment is not distinct from t.to_segment as is_stay,
    t.customers
from transitions t
left join definitions f on f.as_of = t.previous_as_of and f.segmentation_key = t.segmentation_key and f.segment_key = t.from_segment
left join definitions n on n.as_of = t.as_of and n.segmentation_key = t.segmentation_key and n.segment_key = t.to_segment;

-- ---------------------------------------------------------------------------------------
-- Comments. The same column means the same thing in every view: one text per concept,
-- written once here and copied to every view that has the column.

create temporary table bi_column_comments (column_name text primary key, comment text not null) on commit drop;

insert into bi_column_comments values
    ('as_of', 'Dimension. As-of day of the snapshot: events before the end of this day (pipeline timezone) are included.'),
    ('previous_as_of', 'Dimension. The published snapshot this row''s flows compare with; null for the first. Flows are comparable only between rows with the same days_since_previous.'),
    ('days_since_previous', 'Dimension. as_of - previous_as_of in days (1 for daily snapshots, about 30 for monthly ones); null for the first snapshot.'),
    ('month', 'Dimension. First day of the calendar month of as_of. In _monthly views: the month this row stands for (its latest published snapshot).'),
    ('is_latest_in_month', 'Dimension. True for the latest published snapshot of its month. Filter on it to chart point-in-time measures at month grain.'),
    ('is_latest', 'Dimension. True for the latest published snapshot.'),
    ('segmentation_key', 'Dimension. Key of the segmentation (a family of segments, e.g. lifecycle).'),
    ('segment_key', 'Dimension. Key of the segment within its segmentation (the lifecycle segment new_customers is a segment, not the store KPI customers_added).'),
    ('segment_name', 'Dimension. Display name of the segment (its key if the snapshot no longer defines it).'),
    ('segment_description', 'Dimension. What the segment means, for people.'),
    ('segment_position', 'Dimension. Order of the segment within its segmentation: sort by it, not by name.'),
    ('is_primary', 'Dimension. True for the primary segmentation (primary: true in the pipeline file): a customer is in at most one of its segments, so members sum across its segments to at most the customers of the snapshot. Filter on it before summing across segments; other segmentations overlap.'),
    ('members', 'Point-in-time: customers in the segment on as_of. Never sum across as_of (charts at a grain coarser than the snapshots: use a _monthly view, the latest value or MAX). Sums across segments only where is_primary.'),
    ('snapshot_customers', 'Point-in-time: customers in the whole snapshot, the denominator of share (= sum(members) / sum(snapshot_customers) within one segment). Never sum across as_of or segments.'),
    ('customers', 'Point-in-time: customers in the snapshot. Never sum across as_of (use the latest value or MAX per period).'),
    ('buyers', 'Point-in-time: customers with frequency >= 1, the denominator of repeat_purchase_rate. Never sum across as_of; across segments only where is_primary.'),
    ('repeat_buyers', 'Point-in-time: customers with frequency >= 2, the numerator of repeat_purchase_rate (repeat rate = sum(repeat_buyers) / sum(buyers)). Never sum across as_of; across segments only where is_primary.'),
    ('revenue_30d', 'Point-in-time (a trailing window): net revenue of purchases in the 30 days ending on as_of, base currency; the numerator of AOV = sum(revenue_30d) / sum(orders_30d). Never sum across as_of: consecutive windows overlap. Across segments only where is_primary.'),
    ('orders_30d', 'Point-in-time (a trailing window): purchases in the 30 days ending on as_of; the denominator of AOV = sum(revenue_30d) / sum(orders_30d). Never sum across as_of: consecutive windows overlap. Across segments only where is_primary.'),
    ('members_joined', 'Flow since previous_as_of: members now that were not in the segment on previous_as_of (new customers included); null for the first snapshot. May be summed across consecutive snapshots of one series (same days_since_previous); not across segments of overlapping segmentations.'),
    ('members_left', 'Flow since previous_as_of: members on previous_as_of that are not in the segment now (removed customers included); null for the first snapshot. May be summed across consecutive snapshots of one series (same days_since_previous).'),
    ('customers_added', 'Flow since previous_as_of: customers in this snapshot that were not in the previous one (base column kpi_snapshots.new_customers; not the lifecycle segment new_customers); null for the first snapshot. May be summed across consecutive snapshots.'),
    ('customers_removed', 'Flow since previous_as_of: customers in the previous snapshot that are not in this one (base column kpi_snapshots.removed_customers); null for the first snapshot. May be summed across consecutive snapshots.'),
    ('share', 'Ratio, never sum or average: members / snapshot_customers. Recompute over several rows as sum(members) / sum(snapshot_customers).'),
    ('aov_30d', 'Ratio, never sum or average: round(revenue_30d / orders_30d, 2). Over several rows compute sum(revenue_30d) / sum(orders_30d) (the metric aov_30d of the BI bundles).'),
    ('conversion_rate_30d', 'Ratio, never sum or average: sum(orders_30d) / sum(sessions_30d) over the customers of the row (may exceed 1); null without sessions. Compare rows, do not aggregate them.'),
    ('repeat_purchase_rate', 'Ratio, never sum or average: repeat_buyers / buyers. Over several rows compute sum(repeat_buyers) / sum(buyers).'),
    ('cart_abandonment_rate_90d', 'Ratio, never sum or average: abandoned carts / (abandoned carts + purchases) in the trailing 90 days; null when both are 0. Compare rows, do not aggregate them.'),
    ('avg_csat', 'Ratio, never sum or average: mean of the customers'' mean CSAT (1-5) over customers who rated a chat; null if none rated. Compare rows, do not aggregate them.'),
    ('discounted_order_share', 'Ratio, never sum or average: mean over buyers of their share of discounted purchases; null without buyers. Compare rows, do not aggregate them.'),
    ('from_segment_key', 'Dimension. Primary segment on previous_as_of; null for customers in none then (new customers).'),
    ('from_segment_name', 'Dimension. Display name of from_segment_key as defined on previous_as_of; (none) for customers in no segment then.'),
    ('from_segment_position', 'Dimension. Position of from_segment_key on previous_as_of: sort by it.'),
    ('to_segment_key', 'Dimension. Primary segment on as_of; null for customers in none now (removed customers).'),
    ('to_segment_name', 'Dimension. Display name of to_segment_key as defined on as_of; (none) for customers in no segment now.'),
    ('to_segment_position', 'Dimension. Position of to_segment_key on as_of: sort by it.'),
    ('is_stay', 'Dimension. True when from and to are the same segment (customers who stayed).');

do $$
declare
    pair record;
begin
    for pair in
        select v.relname as view_name, a.attname as column_name, c.comment
        from pg_class v
        join pg_attribute a on a.attrelid = v.oid and a.attnum > 0 and not a.attisdropped
        join bi_column_comments c on c.column_name = a.attname
        where v.relnamespace = (select oid from pg_namespace where nspname = current_schema()) and v.relkind = 'v'
          and v.relname like 'fct\_%'
    loop
        execute format('comment on column %I.%I is %L', pair.view_name, pair.column_name, pair.comment);
    end loop;
end
$$;

comment on column fct_segment_moves.customers is 'Flow since previous_as_of: customers who moved from from_segment to to_segment. Sums across the moves of one as_of to the customers of either snapshot; may be summed across consecutive snapshots of one series (same days_since_previous).';
comment on column fct_segment_kpis_monthly.month is 'Dimension. The month this row stands for: the values are those of its latest published snapshot (as_of), not a sum over the month.';
comment on column fct_store_kpis_monthly.month is 'Dimension. The month this row stands for: the values are those of its latest published snapshot (as_of), not a sum over the month.';

comment on view fct_segment_kpis is 'Grain: one row per snapshot (as_of) and segment, every segmentation (filter is_primary before summing across segments). Segment KPIs with the segment''s name, description, position and previous_as_of in place. Point-in-time measures (members, buyers, repeat_buyers, revenue_30d, orders_30d) must not be summed across as_of; flows (members_joined, members_left) compare with previous_as_of; ratios come with numerator and denominator: AOV = sum(revenue_30d) / sum(orders_30d).';
comment on view fct_segment_kpis_monthly is 'Grain: one row per month and segment: the latest published snapshot of each month (the month-end one once the month is over). Point-in-time measures may be summed across the segments of the primary segmentation (is_primary), never across months. No flows: their previous_as_of may lie inside the month; read them from fct_segment_kpis.';
comment on view fct_store_kpis is 'Grain: one row per snapshot (as_of), store-wide. Point-in-time measures (customers, buyers, repeat_buyers, revenue_30d, orders_30d) must not be summed across as_of; flows (customers_added, customers_removed) compare with previous_as_of; ratios come with numerator and denominator: AOV = sum(revenue_30d) / sum(orders_30d).';
comment on view fct_store_kpis_monthly is 'Grain: one row per month, store-wide: the latest published snapshot of each month. Point-in-time measures, never summed across months.';
comment on view fct_segment_moves is 'Grain: one row per snapshot (as_of) and move (from_segment_key, to_segment_key) in the primary segmentation, since previous_as_of; stays included (is_stay). Names and positions as defined on each side''s snapshot.';
