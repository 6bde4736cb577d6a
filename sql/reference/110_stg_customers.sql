-- stg_customers: one row per customer of the snapshot, cleaned.
--
-- Rules (docs/semantics.md, customers), in this order:
--   created_at >= T                    not in the snapshot (no row anywhere)
--   customer_id null                   reject  missing_key
--   created_at null                    reject  missing_value (the row cannot be placed in
--                                      or out of the snapshot)
--   created_at -infinity               reject  invalid_value (no place in time either)
--   several rows per customer_id       keep the latest updated_at (ties: greater email,
--                                      then greater created_at), reject  duplicate
--   listed test account (id, email,    reject  test_account
--   or email domain)
--   invalid email                      repair to null  invalid_email
--   country not two letters A-Z after  repair to null  invalid_country
--   mapping English names to codes
--   birth_date after D or more than    repair to null  invalid_birth_date
--   120 years before D
-- Text is trimmed; email lower-cased, country upper-cased, acquisition_channel
-- lower-cased (it is a channel); a null newsletter_opt_in is false (not opted in).
-- Country: two letters A-Z are kept as the code, else an English name known to segflow
-- (seed_country_names) is mapped to its code, else it is repaired to null.
-- Text comparisons use code-point order (collate "C").

create view segflow_reference.src_customers as
select
    c.ctid                                 as source_row,
    c.customer_id,
    segflow_reference.lower_ascii(btrim(c.email))                  as email,
    c.created_at,
    segflow_reference.upper_ascii(btrim(c.country))                as country,
    btrim(c.city)                          as city,
    c.birth_date,
    btrim(c.gender)                        as gender,
    c.newsletter_opt_in,
    segflow_reference.lower_ascii(btrim(c.acquisition_channel))    as acquisition_channel,
    c.updated_at
from shop.customers as c
cross join segflow_reference.params as p
where c.created_at < p.cutoff or c.created_at is null
-- offset 0 keeps the view a subquery, so each normalised column is computed once per
-- row (inlined, every reference to a column would evaluate its expression again).
offset 0;

create unlogged table segflow_reference.base_customers_duplicates as
with duplicate_keys as (
    select customer_id
    from segflow_reference.src_customers
    where customer_id is not null and created_at is not null and isfinite(created_at)
    group by customer_id
    having count(*) > 1
)

select
    s.source_row,
    row_number() over (
        partition by s.customer_id
        order by
            s.updated_at desc nulls last,
            s.email collate "C" desc nulls last,
            s.created_at desc nulls last,
            s.source_row
    ) as rank_in_key
from segflow_reference.src_customers as s
join duplicate_keys as k
    on k.customer_id = s.customer_id;

analyze segflow_reference.base_customers_duplicates;

create unlogged table segflow_reference.base_customers as
with checked as (
    select
        s.*,
        case
            when s.customer_id is null then 'missing_key'
            when s.created_at is null then 'missing_value'
            when not isfinite(s.created_at) then 'invalid_value'
            when d.rank_in_key > 1 then 'duplicate'
            when s.customer_id = any (p.test_customer_ids)
              or s.email = any (p.test_emails)
              or substring(s.email from '@([^@]*)$') = any (p.test_email_domains) then 'test_account'
        end as reject_reason,
        case when s.country ~ '^[A-Z]{2}$' then s.country else names.code end as country_mapped
    from segflow_reference.src_customers as s
    cross join segflow_reference.params as p
    left join segflow_reference.base_customers_duplicates as d
        on d.source_row = s.source_row
    left join segflow_reference.seed_country_names as names
        on names.name = s.country
)

select
    c.customer_id,
    case when c.email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then c.email end          as email,
    c.created_at,
    (c.created_at at time zone p.timezone)::date                               as signup_day,
    c.country_mapped                                                           as country,
    c.city,
    case
        when c.birth_date <= p.as_of
         and c.birth_date >= (p.as_of - interval '120 years')::date then c.birth_date
    end                                                                        as birth_date,
    c.gender,
    coalesce(c.newsletter_opt_in, false)                                       as newsletter_opt_in,
    c.acquisition_channel,
    c.updated_at,
    -- the normalised values before repair, for the quarantine
    c.email       as email_before_repair,
    c.country     as country_before_repair,
    c.birth_date  as birth_date_before_repair,
    c.reject_reason
from checked as c
cross join segflow_reference.params as p;

create view segflow_reference.stg_customers as
select
    customer_id, email, created_at, signup_day, country, city, birth_date, gender,
    newsletter_opt_in, acquisition_channel, updated_at
from segflow_reference.base_customers
where reject_reason is null;

insert into segflow_reference.quarantine (source, source_key, action, reason, detail, record)
select
    'customers',
    b.customer_id::text,
    case when repair.reason is null then 'rejected' else 'repaired' end,
    coalesce(repair.reason, b.reject_reason),
    repair.original,
    to_jsonb(b) - 'reject_reason'
from segflow_reference.base_customers as b
cross join lateral (
    select null::text as reason, null::text as original
    where b.reject_reason is not null
    union all
    select 'invalid_email', b.email_before_repair
    where b.reject_reason is null and b.email_before_repair is not null and b.email is null
    union all
    select 'invalid_country', b.country_before_repair
    where b.reject_reason is null and b.country_before_repair is not null and b.country is null
    union all
    select 'invalid_birth_date', b.birth_date_before_repair::text
    where b.reject_reason is null and b.birth_date_before_repair is not null and b.birth_date is null
) as repair;

analyze segflow_reference.base_customers;

-- src_customers is ephemeral: dropped so that nothing here depends on the source tables.
drop view segflow_reference.src_customers;
