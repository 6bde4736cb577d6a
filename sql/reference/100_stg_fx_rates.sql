-- stg_fx_rates: daily exchange rates to the base currency.
--
-- Rules (docs/semantics.md, fx_rates), in this order:
--   day or currency null                 reject  missing_key
--   rate null, not positive, NaN or      reject  invalid_value
--   not a rate (is_rate); day ±infinity
--   several valid rows per (day,         keep the greatest rate, reject  duplicate
--   currency)
-- Currency trimmed and upper-cased. Rows for the base currency are kept but never used:
-- the base currency always has rate 1.
--
-- Every staging model has the same shape:
--   src_<source>               view (ephemeral, dropped at the end of the file): the source
--                              rows in the snapshot, normalised, with their physical row
--                              id (source_row) to tell exact duplicates apart
--   base_<source>_duplicates   the rows of keys that occur more than once, ranked by the
--                              keep rule (duplicates are rare: ranking only them avoids
--                              sorting every row)
--   base_<source>              every row of src_<source> with its reject_reason (null: kept)
--   stg_<source>               view: the kept rows
-- and appends its rejects (and repairs) to quarantine.

create view segflow_reference.src_fx_rates as
select
    r.ctid                                      as source_row,
    r.day,
    nullif(segflow_reference.upper_ascii(btrim(r.currency::text)), '') as currency,
    r.rate_to_base                              as rate
from shop.fx_rates as r
-- offset 0 keeps the view a subquery, so each normalised column is computed once per
-- row (inlined, every reference to a column would evaluate its expression again).
offset 0;

create unlogged table segflow_reference.base_fx_rates_duplicates as
with valid_rows as (
    select *
    from segflow_reference.src_fx_rates
    where day is not null and currency is not null and rate > 0 and segflow_reference.is_rate(rate) and isfinite(day)
),

duplicate_keys as (
    select day, currency
    from valid_rows
    group by day, currency
    having count(*) > 1
)

select
    v.source_row,
    row_number() over (partition by v.day, v.currency order by v.rate desc, v.source_row) as rank_in_key
from valid_rows as v
join duplicate_keys as k
    on k.day = v.day and k.currency = v.currency;

analyze segflow_reference.base_fx_rates_duplicates;

create unlogged table segflow_reference.base_fx_rates as
select
    s.day,
    s.currency,
    s.rate,
    case
        when s.day is null or s.currency is null then 'missing_key'
        when s.rate is null or s.rate <= 0 or not segflow_reference.is_rate(s.rate) or not isfinite(s.day) then 'invalid_value'
        when d.rank_in_key > 1 then 'duplicate'
    end as reject_reason
from segflow_reference.src_fx_rates as s
left join segflow_reference.base_fx_rates_duplicates as d
    on d.source_row = s.source_row;

create view segflow_reference.stg_fx_rates as
select day, currency, rate
from segflow_reference.base_fx_rates
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, record)
select
    'fx_rates',
    b.day::text || '/' || b.currency,
    'rejected',
    b.reject_reason,
    to_jsonb(b) - 'reject_reason'
from segflow_reference.base_fx_rates as b
where b.reject_reason is not null;

analyze segflow_reference.base_fx_rates;

-- src_fx_rates is ephemeral: dropped so that nothing here depends on the source tables.
drop view segflow_reference.src_fx_rates;
