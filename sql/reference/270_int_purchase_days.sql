-- int_purchase_days: per customer, the distinct local days with purchases.
--
-- day_net_revenue is the net revenue of the day's purchases; day_number counts the days
-- from 1; gap_days is the difference to the previous purchase day (null on the first).
-- These are the transactions of lifetimes' summary_data_from_transaction_data (freq 'D').

create unlogged table segflow_reference.int_purchase_days as
with days as (
    select customer_id, order_day, sum(net_revenue) as day_net_revenue, count(*) as purchases
    from segflow_reference.int_purchases
    group by customer_id, order_day
)

select
    customer_id,
    order_day,
    day_net_revenue,
    purchases,
    row_number() over (partition by customer_id order by order_day) as day_number,
    order_day - lag(order_day) over (partition by customer_id order by order_day) as gap_days
from days;

analyze segflow_reference.int_purchase_days;
