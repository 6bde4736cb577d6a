-- Store-wide KPIs per month: the month's latest snapshot (customers, revenue_30d and
-- orders_30d are point-in-time, so one snapshot stands for the month).
-- Grain: one row per month.
select
    month,
    as_of,
    customers,
    buyers,
    revenue_30d,
    orders_30d,
    aov_30d,
    repeat_purchase_rate
from segflow_bi.fct_store_kpis_monthly
order by month;
