-- Customers added to and removed from the store per month: flows, so the month's
-- snapshots add up (each compares with the snapshot before it). customers_added is the
-- KPI kpi_snapshots.new_customers, not the lifecycle segment new_customers.
-- Grain: one row per month.
select
    month,
    count(*)                 as snapshots,
    sum(customers_added)     as customers_added,
    sum(customers_removed)   as customers_removed
from segflow_bi.fct_store_kpis
where previous_as_of is not null
group by month
order by month;
