-- segflow reference implementation: the features of docs/semantics.md in plain SQL.
--
-- Run every file of this folder in name order, in one session, against a database that
-- holds the raw source schema `shop`, e.g.
--
--   psql -v ON_ERROR_STOP=1 -c "..." -f 000_params.sql -f 010_... (see run.sh), or
--   PostgresConnection.simpleQuery(text) per file after set_config(...) on the same connection.
--
-- The files use no psql meta-commands. Everything is built in schema segflow_reference,
-- which this file drops and recreates. Nothing here depends on the session's TimeZone.
--
-- Parameters (session settings, read with current_setting; set them first with
-- `select set_config('segflow.as_of', '2024-06-30', false)` or `set segflow.as_of = ...`
-- or PGOPTIONS='-c segflow.as_of=2024-06-30 ...'):
--
--   segflow.as_of               required  the as-of day D (date, 'YYYY-MM-DD'). The cut-off T
--                                         is the first instant of D + 1 in segflow.timezone.
--   segflow.timezone            required  IANA time zone of the pipeline ('Europe/Berlin').
--   segflow.base_currency       required  ISO code of the base currency ('EUR'); always rate 1.
--   segflow.max_order_total     required  orders whose subtotal, converted to the base
--                                         currency, is above this are rejected (absurd_amount).
--   segflow.valid_statuses      required  comma-separated order statuses ('completed,cancelled,
--                                         refunded,pending'); compared trimmed and lower-cased.
--   segflow.test_emails         optional  comma-separated test account emails (exact, after
--                                         lower(trim())); empty or unset: none.
--   segflow.test_email_domains  optional  comma-separated test email domains ('example.com').
--   segflow.test_customer_ids   optional  comma-separated test customer ids.
--   segflow.run_started_at      optional  wall clock at run start (timestamptz, give an offset:
--                                         '2024-07-01 08:00:00+00'); rows later than this are
--                                         rejected as future_timestamp. Unset: now().
--   segflow.work_mem            optional  work_mem for this session's sorts and hashes while
--                                         the models build (default '256MB'); this file sets it
--                                         with set_config for the rest of the session.
--
-- Everything but customer_features and quarantine is UNLOGGED: derived, rebuilt every run.
--
-- Layers: 0xx parameters and seeds, 1xx staging (base_* tables hold every source row in the
-- snapshot with its reject_reason, stg_* views the kept rows, quarantine the rejected and
-- repaired rows), 2xx intermediate, 3xx per-customer aggregates, 4xx the customer_features mart.

drop schema if exists segflow_reference cascade;
create schema segflow_reference;

-- Case mapping of A-Z only, whatever the database's locale, as the engine's
-- (TextNormalization): lower()/upper() under collation "C".
create function segflow_reference.lower_ascii(value text) returns text
language sql immutable parallel safe
return lower(value collate "C");

create function segflow_reference.upper_ascii(value text) returns text
language sql immutable parallel safe
return upper(value collate "C");

create table segflow_reference.params as
with settings as (
    select
        current_setting('segflow.as_of')::date                       as as_of,
        btrim(current_setting('segflow.timezone'))                    as timezone,
        segflow_reference.upper_ascii(btrim(current_setting('segflow.base_currency')))        as base_currency,
        current_setting('segflow.max_order_total')::numeric           as max_order_total,
        current_setting('segflow.valid_statuses')                     as valid_statuses,
        coalesce(current_setting('segflow.test_emails', true), '')    as test_emails,
        coalesce(current_setting('segflow.test_email_domains', true), '') as test_email_domains,
        coalesce(current_setting('segflow.test_customer_ids', true), '')  as test_customer_ids,
        nullif(btrim(coalesce(current_setting('segflow.run_started_at', true), '')), '') as run_started_at
),

lists as (
    select
        settings.*,
        array(
            select segflow_reference.lower_ascii(btrim(item)) from unnest(string_to_array(valid_statuses, ',')) as item
            where btrim(item) <> ''
        ) as valid_status_list,
        array(
            select segflow_reference.lower_ascii(btrim(item)) from unnest(string_to_array(test_emails, ',')) as item
            where btrim(item) <> ''
        ) as test_email_list,
        array(
            select segflow_reference.lower_ascii(btrim(btrim(item), '@')) from unnest(string_to_array(test_email_domains, ',')) as item
            where btrim(item) <> ''
        ) as test_email_domain_list,
        array(
            select btrim(item)::int8 from unnest(string_to_array(test_customer_ids, ',')) as item
            where btrim(item) <> ''
        ) as test_customer_id_list
    from settings
)

select
    as_of,
    timezone,
    -- T: the first instant of D + 1 in the pipeline's time zone.
    ((as_of + 1)::timestamp at time zone timezone)                   as cutoff,
    as_of - 6                                                        as day_7,
    as_of - 29                                                       as day_30,
    as_of - 89                                                       as day_90,
    as_of - 364                                                      as day_365,
    base_currency,
    max_order_total,
    valid_status_list                                                as valid_statuses,
    test_email_list                                                  as test_emails,
    test_email_domain_list                                           as test_email_domains,
    test_customer_id_list                                            as test_customer_ids,
    coalesce(run_started_at::timestamptz, now())                     as run_started_at,
    -- Batch work: big sorts and hashes should not spill to disk at PostgreSQL's default
    -- 4MB. Set here (once, for the rest of the session) so the files need no psql commands.
    set_config('work_mem', coalesce(nullif(current_setting('segflow.work_mem', true), ''), '256MB'), false)
                                                                     as work_mem
from lists;

analyze segflow_reference.params;

comment on table segflow_reference.params is
    'The run''s parameters, read once from the segflow.* session settings.';

-- An amount the engine can hold: exact to 4 decimals in int8 (docs/operations.md, "Limits").
-- NaN, ±Infinity (numeric admits both) and larger values are not amounts (reject
-- invalid_value); null stays null.
create function segflow_reference.is_amount(value numeric) returns boolean
language sql immutable parallel safe
return trunc(value, 4) between -922337203685477.5807 and 922337203685477.5807;

-- An fx rate the engine can hold: exact to 8 decimals in int8; NaN and Infinity are not.
create function segflow_reference.is_rate(value numeric) returns boolean
language sql immutable parallel safe
return trunc(value, 8) between -92233720368.54775807 and 92233720368.54775807;
