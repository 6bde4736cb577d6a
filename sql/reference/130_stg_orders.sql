-- stg_orders: one row per order of the snapshot, cleaned, with its local day and fx rate.
--
-- Rules (docs/semantics.md, orders), in this order:
--   placed_at >= T                       not in the snapshot (no row anywhere)
--   order_id null                        reject  missing_key
--   placed_at, subtotal, discount_total  reject  missing_value
--   or total null
--   placed_at -infinity, or an amount    reject  invalid_value
--   that is not one (is_amount: NaN,
--   ±Infinity, beyond int8 cents)
--   several rows per order_id            keep the latest updated_at (ties: greater status,
--                                        then greater total), reject  duplicate
--   placed_at after the run's start      reject  future_timestamp
--   customer not among kept customers    reject  orphan_customer
--   status not in valid_statuses         reject  invalid_status
--   no fx rate on or before the local    reject  unknown_currency
--   day (the base currency has rate 1)
--   a negative amount                    reject  negative_amount
--   subtotal or discount_total in base   reject  absurd_amount
--   currency above max_order_total
-- Status trimmed and lower-cased, currency trimmed and upper-cased, other text trimmed;
-- a null shipping_total or tax_total counts as 0; amounts are rounded to the cent on reading.
-- net_revenue = round((subtotal - discount_total) * rate, 2), half away from zero.

create view segflow_reference.src_orders as
select
    o.ctid                                       as source_row,
    o.order_id,
    o.customer_id,
    o.session_id,
    o.placed_at,
    (o.placed_at at time zone p.timezone)::date  as order_day,
    segflow_reference.lower_ascii(btrim(o.status))                       as status,
    nullif(segflow_reference.upper_ascii(btrim(o.currency::text)), '')   as currency,
    -- Amounts to the cent, as the engine reads them (numeric(12,2) values are unchanged).
    round(o.subtotal, 2)                         as subtotal,
    round(o.discount_total, 2)                   as discount_total,
    round(coalesce(o.shipping_total, 0), 2)      as shipping_total,
    round(coalesce(o.tax_total, 0), 2)           as tax_total,
    round(o.total, 2)                            as total,
    btrim(o.coupon_code)                         as coupon_code,
    segflow_reference.upper_ascii(btrim(o.shipping_country))             as shipping_country,
    o.updated_at
from shop.orders as o
cross join segflow_reference.params as p
where o.placed_at < p.cutoff or o.placed_at is null
-- offset 0 keeps the view a subquery, so each normalised column is computed once per
-- row (inlined, every reference to a column would evaluate its expression again).
offset 0;

create unlogged table segflow_reference.base_orders_duplicates as
with duplicate_keys as (
    select order_id
    from segflow_reference.src_orders
    where order_id is not null
      and placed_at is not null and subtotal is not null and discount_total is not null and total is not null
      and isfinite(placed_at) and segflow_reference.is_amount(subtotal) and segflow_reference.is_amount(discount_total) and segflow_reference.is_amount(total)
      and segflow_reference.is_amount(shipping_total) and segflow_reference.is_amount(tax_total)
    group by order_id
    having count(*) > 1
)

select
    s.source_row,
    row_number() over (
        partition by s.order_id
        order by
            s.updated_at desc nulls last,
            s.status collate "C" desc nulls last,
            s.total desc nulls last,
            s.source_row
    ) as rank_in_key
from segflow_reference.src_orders as s
join duplicate_keys as k
    on k.order_id = s.order_id;

analyze segflow_reference.base_orders_duplicates;

create unlogged table segflow_reference.base_orders as
with enriched as (
    select
        s.*,
        d.rank_in_key,
        case when s.currency = p.base_currency then 1::numeric else fx.rate end as rate,
        customers.customer_id is not null                                       as customer_is_kept
    from segflow_reference.src_orders as s
    cross join segflow_reference.params as p
    left join segflow_reference.base_orders_duplicates as d
        on d.source_row = s.source_row
    left join segflow_reference.stg_fx_rates_daily as fx
        on fx.currency = s.currency and fx.day = s.order_day
    left join segflow_reference.stg_customers as customers
        on customers.customer_id = s.customer_id
)

select
    e.order_id,
    e.customer_id,
    e.session_id,
    e.placed_at,
    e.order_day,
    e.status,
    e.currency,
    e.rate,
    e.subtotal,
    e.discount_total,
    e.shipping_total,
    e.tax_total,
    e.total,
    e.coupon_code,
    e.shipping_country,
    e.updated_at,
    round((e.subtotal - e.discount_total) * e.rate, 2) as net_revenue,
    case
        when e.order_id is null then 'missing_key'
        when e.placed_at is null or e.subtotal is null or e.discount_total is null or e.total is null then 'missing_value'
        when not isfinite(e.placed_at) or not (segflow_reference.is_amount(e.subtotal) and segflow_reference.is_amount(e.discount_total) and segflow_reference.is_amount(e.total)
          and segflow_reference.is_amount(e.shipping_total) and segflow_reference.is_amount(e.tax_total)) then 'invalid_value'
        when e.rank_in_key > 1 then 'duplicate'
        when e.placed_at > p.run_started_at then 'future_timestamp'
        when not e.customer_is_kept then 'orphan_customer'
        when e.status is null or not (e.status = any (p.valid_statuses)) then 'invalid_status'
        when e.rate is null then 'unknown_currency'
        when e.subtotal < 0 or e.discount_total < 0 or e.shipping_total < 0
          or e.tax_total < 0 or e.total < 0 then 'negative_amount'
        when round(e.subtotal * e.rate, 2) > p.max_order_total
          or round(e.discount_total * e.rate, 2) > p.max_order_total then 'absurd_amount'
    end as reject_reason
from enriched as e
cross join segflow_reference.params as p;

create view segflow_reference.stg_orders as
select
    order_id, customer_id, session_id, placed_at, order_day, status, currency, rate,
    subtotal, discount_total, shipping_total, tax_total, total, coupon_code,
    shipping_country, updated_at, net_revenue
from segflow_reference.base_orders
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, record)
select 'orders', b.order_id::text, 'rejected', b.reject_reason, to_jsonb(b) - 'reject_reason'
from segflow_reference.base_orders as b
where b.reject_reason is not null;

analyze segflow_reference.base_orders;

-- src_orders is ephemeral: dropped so that nothing here depends on the source tables.
drop view segflow_reference.src_orders;
