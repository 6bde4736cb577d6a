-- int_customer_products: what each customer bought, from the lines of purchases.
--
-- top_product_line: the product line with the greatest sum of line net revenue (ties:
-- first in code-point order; lines without a product line are no candidate);
-- total_line_revenue: the sum over all purchase lines (the share's denominator).
-- Customers with purchases but no kept lines have no row.

create unlogged table segflow_reference.int_customer_products as
with purchase_lines as (
    select *
    from segflow_reference.int_order_lines_base
    where status = 'completed'
),

line_revenue as (
    select customer_id, product_line, sum(line_net_revenue) as revenue
    from purchase_lines
    where product_line is not null
    group by customer_id, product_line
),

top_lines as (
    select distinct on (customer_id)
        customer_id,
        product_line,
        revenue
    from line_revenue
    order by customer_id, revenue desc, product_line collate "C"
),

totals as (
    select
        customer_id,
        sum(line_net_revenue)                                as total_line_revenue,
        count(distinct category)                             as distinct_categories,
        sum(quantity)                                        as units,
        coalesce(sum(quantity) filter (where is_new_launch), 0)    as new_launch_units,
        coalesce(sum(quantity) filter (where is_replenishable), 0) as replenishable_units
    from purchase_lines
    group by customer_id
)

select
    t.customer_id,
    top.product_line as top_product_line,
    top.revenue      as top_product_line_revenue,
    t.total_line_revenue,
    t.distinct_categories,
    t.units,
    t.new_launch_units,
    t.replenishable_units
from totals as t
left join top_lines as top
    on top.customer_id = t.customer_id;

analyze segflow_reference.int_customer_products;
