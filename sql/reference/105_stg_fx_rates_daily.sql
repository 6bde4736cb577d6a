-- stg_fx_rates_daily: the rate that applies on every day, per currency.
--
-- An amount of day d converts with the newest rate whose day is on or before d. This
-- spells that out as a calendar from each currency's first rate to the as-of day, the
-- last known rate carried forward, so orders look their rate up with an equi-join.
-- Days before a currency's first rate have no row (the order is unknown_currency).
-- The base currency is not listed: it always converts at 1.

create unlogged table segflow_reference.stg_fx_rates_daily as
with currencies as (
    select r.currency, min(r.day) as first_day
    from segflow_reference.stg_fx_rates as r
    cross join segflow_reference.params as p
    where r.currency <> p.base_currency
      and r.day <= p.as_of  -- later rates change no day of the calendar (and may not cast to timestamp)
    group by r.currency
),

calendar as (
    select c.currency, d::date as day
    from currencies as c
    cross join segflow_reference.params as p
    cross join lateral generate_series(c.first_day::timestamp, p.as_of::timestamp, interval '1 day') as d
),

with_rates as (
    select
        calendar.currency,
        calendar.day,
        r.rate,
        -- every day with a rate starts a new group; the days after it share that rate
        count(r.rate) over (partition by calendar.currency order by calendar.day) as rate_group
    from calendar
    left join segflow_reference.stg_fx_rates as r
        on r.currency = calendar.currency and r.day = calendar.day
)

select
    currency,
    day,
    first_value(rate) over (partition by currency, rate_group order by day) as rate
from with_rates;

create unique index on segflow_reference.stg_fx_rates_daily (currency, day);
analyze segflow_reference.stg_fx_rates_daily;
