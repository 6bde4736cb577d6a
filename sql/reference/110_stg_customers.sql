-- stg_customers: one row per customer of the snapshot, cleaned.
--
-- Rules (docs/semantics.md, customers), in this order:
--   created_at >= T                    not in the snapshot (no row anywhere)
--   customer_id or created_at null     reject  missing_key (a row without created_at
--                                      cannot be placed in or out of the snapshot)
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
-- lower-cased (it is a channel). Text comparisons use code-point order (collate "C").

create table segflow_reference.base_customers as
with source as (
    select
        c.ctid                                 as source_row,
        c.customer_id,
        lower(btrim(c.email))                  as email_normalised,
        c.created_at,
        upper(btrim(c.country))                as country_normalised,
        btrim(c.city)                          as city,
        c.birth_date,
        btrim(c.gender)                        as gender,
        c.newsletter_opt_in,
        lower(btrim(c.acquisition_channel))    as acquisition_channel,
        c.updated_at
    from shop.customers as c
    cross join segflow_reference.params as p
    where c.created_at < p.cutoff or c.created_at is null
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by customer_id
            order by
                updated_at desc nulls last,
                email_normalised collate "C" desc nulls last,
                created_at desc nulls last,
                source_row
        ) as rank_in_key
    from source
),

repaired as (
    select
        ranked.*,
        case
            when email_normalised ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then email_normalised
        end as email,
        substring(email_normalised from '@([^@]*)$') as email_domain,
        coalesce(names.code, country_normalised) as country_mapped
    from ranked
    left join segflow_reference.seed_country_names as names
        on upper(names.name) = ranked.country_normalised
)

select
    r.customer_id,
    r.email,
    r.created_at,
    (r.created_at at time zone p.timezone)::date as signup_day,
    case when r.country_mapped ~ '^[A-Z]{2}$' then r.country_mapped end as country,
    r.city,
    case
        when r.birth_date <= p.as_of
         and r.birth_date >= (p.as_of - interval '120 years')::date then r.birth_date
    end as birth_date,
    r.gender,
    r.newsletter_opt_in,
    r.acquisition_channel,
    r.updated_at,
    -- the values before repair, for the quarantine
    r.email_normalised,
    r.country_normalised,
    r.birth_date as birth_date_original,
    case
        when r.customer_id is null or r.created_at is null then 'missing_key'
        when r.rank_in_key > 1 then 'duplicate'
        when r.customer_id = any (p.test_customer_ids)
          or r.email_normalised = any (p.test_emails)
          or r.email_domain = any (p.test_email_domains) then 'test_account'
    end as reject_reason
from repaired as r
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
    select 'invalid_email', b.email_normalised
    where b.reject_reason is null and b.email_normalised is not null and b.email is null
    union all
    select 'invalid_country', b.country_normalised
    where b.reject_reason is null and b.country_normalised is not null and b.country is null
    union all
    select 'invalid_birth_date', b.birth_date_original::text
    where b.reject_reason is null and b.birth_date_original is not null and b.birth_date is null
) as repair;

analyze segflow_reference.base_customers;
