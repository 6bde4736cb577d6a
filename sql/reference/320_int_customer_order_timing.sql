-- int_customer_order_timing: gaps between purchase days, and the BTYD summary.
--
-- median_days_between_orders: median of the gaps between consecutive distinct purchase
-- days (mean of the two middle gaps for an even count); null with fewer than two days.
-- BTYD as lifetimes.utils.summary_data_from_transaction_data(freq='D', observation end D):
--   btyd_frequency = purchase days - 1, btyd_recency = last day - first day,
--   btyd_t = D - first day, btyd_monetary_value = mean net revenue of the repeat days
--   (all days but the first), 0 when btyd_frequency is 0.

create unlogged table segflow_reference.int_customer_order_timing as
with gaps as (
    select
        customer_id,
        gap_days,
        row_number() over (partition by customer_id order by gap_days) as gap_rank,
        count(*) over (partition by customer_id)                       as gap_count
    from segflow_reference.int_purchase_days
    where gap_days is not null
),

medians as (
    select customer_id, avg(gap_days::float8) as median_days_between_orders
    from gaps
    where gap_rank in ((gap_count + 1) / 2, (gap_count + 2) / 2)
    group by customer_id
),

btyd as (
    select
        d.customer_id,
        count(*) - 1                               as btyd_frequency,
        max(d.order_day) - min(d.order_day)        as btyd_recency,
        p.as_of - min(d.order_day)                 as btyd_t,
        max(d.order_day)                           as last_purchase_day,
        sum(d.day_net_revenue) filter (where d.day_number > 1) as repeat_day_revenue
    from segflow_reference.int_purchase_days as d
    cross join segflow_reference.params as p
    group by d.customer_id, p.as_of
)

select
    b.customer_id,
    m.median_days_between_orders,
    b.last_purchase_day + round(m.median_days_between_orders::numeric)::int4 as next_expected_order_date,
    b.btyd_frequency,
    b.btyd_recency,
    b.btyd_t,
    case
        when b.btyd_frequency = 0 then 0::float8
        -- in cents, so both operands are exact and the quotient is correctly rounded
        else (b.repeat_day_revenue * 100)::float8 / (b.btyd_frequency * 100)::float8
    end as btyd_monetary_value
from btyd as b
left join medians as m
    on m.customer_id = b.customer_id;

analyze segflow_reference.int_customer_order_timing;
