-- stg_fx_rates: daily exchange rates to the base currency.
--
-- Rules (docs/semantics.md, fx_rates): currency trimmed and upper-cased; a null day or
-- currency is missing_key; a null or non-positive rate is invalid_value; of several valid
-- rows for one (day, currency) the greatest rate is kept, the others are duplicate.
-- Rows for the base currency are kept but never used: the base currency always has rate 1.

create table segflow_reference.base_fx_rates as
with source as (
    select
        r.ctid                                   as source_row,
        r.day,
        nullif(upper(btrim(r.currency::text)), '') as currency,
        r.rate_to_base                           as rate
    from shop.fx_rates as r
),

basic_checks as (
    select
        source.*,
        case
            when day is null or currency is null then 'missing_key'
            when rate is null or rate <= 0 then 'invalid_value'
        end as basic_reason
    from source
),

ranked as (
    select
        basic_checks.*,
        row_number() over (
            partition by basic_reason is null, day, currency
            order by rate desc, source_row
        ) as rank_in_key
    from basic_checks
)

select
    day,
    currency,
    rate,
    coalesce(
        basic_reason,
        case when rank_in_key > 1 then 'duplicate' end
    ) as reject_reason
from ranked;

create view segflow_reference.stg_fx_rates as
select day, currency, rate
from segflow_reference.base_fx_rates
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, record)
select
    'fx_rates',
    b.day::text || ':' || coalesce(b.currency, ''),
    'rejected',
    b.reject_reason,
    to_jsonb(b) - 'reject_reason'
from segflow_reference.base_fx_rates as b
where b.reject_reason is not null;

analyze segflow_reference.base_fx_rates;
