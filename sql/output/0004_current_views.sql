-- Views on the latest published snapshot, for dashboards that only want "now".
--
-- Each reads the latest as_of from snapshots once; customer_features and
-- customer_segments are pruned to that partition at execution time. The columns are
-- fixed when a view is created: a migration that adds a feature must recreate
-- current_customer_features.

create view current_snapshot as
select s.*
from snapshots s
where s.as_of = (select max(as_of) from snapshots);

create view current_customer_features as
select f.*
from customer_features f
where f.as_of = (select max(as_of) from snapshots);

create view current_customer_segments as
select m.*
from customer_segments m
where m.as_of = (select max(as_of) from snapshots);

create view current_segment_kpis as
select k.*
from segment_kpis k
where k.as_of = (select max(as_of) from snapshots);

create view current_kpi_snapshot as
select k.*
from kpi_snapshots k
where k.as_of = (select max(as_of) from snapshots);

comment on view current_snapshot is 'The latest published snapshot (one row, none before the first publish).';
comment on view current_customer_features is 'customer_features of the latest published snapshot.';
comment on view current_customer_segments is 'customer_segments of the latest published snapshot.';
comment on view current_segment_kpis is 'segment_kpis of the latest published snapshot.';
comment on view current_kpi_snapshot is 'kpi_snapshots of the latest published snapshot (one row).';

-- The views' columns mean what the same columns of their tables mean: copy those comments.
do $$
declare
    pair record;
begin
    for pair in
        select v.relname as view_name, a.attname as column_name, col_description(t.oid, ta.attnum) as comment
        from (values ('current_snapshot', 'snapshots'),
                     ('current_customer_features', 'customer_features'),
                     ('current_customer_segments', 'customer_segments'),
                     ('current_segment_kpis', 'segment_kpis'),
                     ('current_kpi_snapshot', 'kpi_snapshots')) as m (view_name, table_name)
        join pg_class v on v.relname = m.view_name and v.relnamespace = (select oid from pg_namespace where nspname = current_schema())
        join pg_class t on t.relname = m.table_name and t.relnamespace = v.relnamespace
        join pg_attribute a on a.attrelid = v.oid and a.attnum > 0 and not a.attisdropped
        join pg_attribute ta on ta.attrelid = t.oid and ta.attname = a.attname
    loop
        execute format('comment on column %I.%I is %L', pair.view_name, pair.column_name, pair.comment);
    end loop;
end
$$;
