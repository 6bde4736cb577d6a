-- Control groups (docs/semantics.md, "Control groups"): a segment's `control_share` holds out a
-- stable, hashed share of its members so that a campaign's effect can be measured.
--
-- segment_definitions.control_share records the share; customer_segments.is_control marks
-- those members; segment_kpis reports treatment (members not in control) and control side
-- by side. Rows published before this migration had no
-- control groups: is_control false, control_members 0, control_* null, and treatment_* the
-- segment's own ratios (filled below from the stored columns, which hold the same sums).
--
-- ADD COLUMN on the partitioned parent adds the column to every snapshot partition; a constant
-- default is stored in the catalog, so no partition is rewritten.

alter table customer_segments add column is_control bool not null default false;

comment on column customer_segments.is_control is 'True when the member is in the segment''s control group (held out of campaigns): mix(seed XOR mix(customer_id + 0x9E3779B97F4A7C15)) >> 11 as a fraction of 2^53 is below the segment''s control_share (docs/semantics.md, "Control groups"). Stable across snapshots while the customer stays a member. Always false for segments without control_share.';

alter table segment_definitions add column control_share float8 not null default 0;

comment on column segment_definitions.control_share is 'The segment''s control_share in the pipeline file: the share of its members held out as a control group (customer_segments.is_control); 0 when it has none.';

alter table segment_kpis
    add column control_members                  int8 not null default 0,
    add column treatment_revenue_per_member_30d numeric(14,2),
    add column control_revenue_per_member_30d   numeric(14,2),
    add column treatment_conversion_rate_30d    float8,
    add column control_conversion_rate_30d      float8,
    add column treatment_repeat_purchase_rate   float8,
    add column control_repeat_purchase_rate     float8;

update segment_kpis
set treatment_revenue_per_member_30d = round(revenue_30d / nullif(members, 0), 2),
    treatment_conversion_rate_30d = conversion_rate_30d,
    treatment_repeat_purchase_rate = repeat_purchase_rate;

comment on column segment_kpis.control_members is 'count(members with is_control): the segment''s control group; members - control_members are the treatment group. 0 for segments without control_share.';
comment on column segment_kpis.treatment_revenue_per_member_30d is 'round(sum(monetary_30d) / count(*), 2) (half away from zero) over members not in control; null when there are none.';
comment on column segment_kpis.control_revenue_per_member_30d is 'round(sum(monetary_30d) / count(*), 2) (half away from zero) over control members; null when there are none. Uplift = treatment - control.';
comment on column segment_kpis.treatment_conversion_rate_30d is 'conversion_rate_30d over members not in control: sum(orders_30d) / sum(sessions_30d); null without sessions.';
comment on column segment_kpis.control_conversion_rate_30d is 'conversion_rate_30d over control members: sum(orders_30d) / sum(sessions_30d); null without sessions.';
comment on column segment_kpis.treatment_repeat_purchase_rate is 'repeat_purchase_rate over members not in control: count(frequency >= 2) / count(frequency >= 1); null without buyers.';
comment on column segment_kpis.control_repeat_purchase_rate is 'repeat_purchase_rate over control members: count(frequency >= 2) / count(frequency >= 1); null without buyers.';

-- The current_* views fix their columns when created: append the new ones.
create or replace view current_customer_segments as
select m.*
from customer_segments m
where m.as_of = (select max(as_of) from snapshots);

create or replace view current_segment_kpis as
select k.*
from segment_kpis k
where k.as_of = (select max(as_of) from snapshots);

do $$
declare
    pair record;
begin
    for pair in
        select v.relname as view_name, a.attname as column_name, col_description(t.oid, ta.attnum) as comment
        from (values ('current_customer_segments', 'customer_segments'),
                     ('current_segment_kpis', 'segment_kpis')) as m (view_name, table_name)
        join pg_class v on v.relname = m.view_name and v.relnamespace = (select oid from pg_namespace where nspname = current_schema())
        join pg_class t on t.relname = m.table_name and t.relnamespace = v.relnamespace
        join pg_attribute a on a.attrelid = v.oid and a.attnum > 0 and not a.attisdropped
        join pg_attribute ta on ta.attrelid = t.oid and ta.attname = a.attname
    loop
        execute format('comment on column %I.%I is %L', pair.view_name, pair.column_name, pair.comment);
    end loop;
end
$$;
