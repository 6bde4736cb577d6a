-- AOV of a group of segments, per snapshot: sum(revenue_30d) / sum(orders_30d) over the
-- group, never the average of the segments' aov_30d. Here the group is every primary
-- segment, which gives the store's AOV (unrounded) when every customer has a primary
-- segment. Replace the filter (e.g. segment_key in ('vip', 'loyal')) for another group.
-- Grain: one row per snapshot (as_of).
select
    as_of,
    sum(revenue_30d)                                 as revenue_30d,
    sum(orders_30d)                                  as orders_30d,
    sum(revenue_30d) / nullif(sum(orders_30d), 0)    as aov_30d
from segflow_bi.fct_segment_kpis
where is_primary
group by as_of
order by as_of;
