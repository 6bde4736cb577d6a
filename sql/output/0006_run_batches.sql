-- Backfills and data-quality gates in the run ledger.
--
-- A backfill records one runs row per as-of day (command 'backfill'); batch_id groups the
-- rows of one backfill command. A run stopped by a data-quality gate ends as 'gate_failed'
-- (exit code 65) and published nothing.

alter table runs add column batch_id uuid;

alter table runs drop constraint runs_status_check;
alter table runs add constraint runs_status_check
    check (status in ('running', 'succeeded', 'failed', 'gate_failed'));

create index runs_batch_id_idx on runs (batch_id) where batch_id is not null;

comment on column runs.batch_id is 'The backfill this row belongs to (one row per as-of day, all sharing the id); null for other commands.';
comment on column runs.status is 'running, succeeded, failed, or gate_failed (a data-quality gate stopped it before anything was published). A run that stays running long after started_at was killed.';
