-- The run ledger and the quarantine.
--
-- Like every file in sql/output, this runs inside the migration's transaction with
-- search_path set to the output schema only (then pg_catalog, then pg_temp): names are
-- unqualified so that the schema can be called anything. Never write a schema name here.

create table runs (
    run_id            uuid        primary key,
    command           text        not null,
    pipeline          text,
    pipeline_file     text,
    as_of             date,
    config_hash       text,
    segflow_version   text        not null,
    status            text        not null default 'running',
    exit_code         int4,
    started_at        timestamptz not null default now(),
    finished_at       timestamptz,
    stage_timings     jsonb       not null default '{}',
    row_counts        jsonb       not null default '{}',
    quarantine_counts jsonb       not null default '{}',
    error             text,
    host              text,
    pid               int4,
    constraint runs_status_check check (status in ('running', 'succeeded', 'failed')),
    -- A finished run has a finish time; a running one does not.
    constraint runs_finished_check check ((status = 'running') = (finished_at is null))
);

create index runs_started_at_idx on runs (started_at desc);
create index runs_pipeline_as_of_idx on runs (pipeline, as_of);

comment on table runs is 'The run ledger: one row per segflow command that touched this schema, written as it starts and updated as it finishes, so that a failed or killed run still leaves a row.';
comment on column runs.run_id is 'Identifier of the run, also written to the snapshots and quarantine it produced.';
comment on column runs.command is 'The segflow subcommand (run, backfill, migrate, …).';
comment on column runs.pipeline is 'Name of the pipeline; null for commands without one.';
comment on column runs.pipeline_file is 'Path of the pipeline file as given on the command line; null for commands without one.';
comment on column runs.as_of is 'The as-of day of the snapshot the run computes; null for commands that compute none.';
comment on column runs.config_hash is 'Hash of the effective pipeline configuration; a snapshot published with the same hash need not be recomputed.';
comment on column runs.segflow_version is 'Version of the segflow binary that ran.';
comment on column runs.status is 'running, succeeded or failed. A run that stays running long after started_at was killed.';
comment on column runs.exit_code is 'Process exit code; null while running.';
comment on column runs.started_at is 'When the run started.';
comment on column runs.finished_at is 'When the run finished; null while running.';
comment on column runs.stage_timings is 'Seconds spent per stage, e.g. {"extract": 1.2, "publish": 3.4}.';
comment on column runs.row_counts is 'Rows per table or stage, e.g. {"customer_features": 200000}.';
comment on column runs.quarantine_counts is 'Quarantined rows by source and reason, e.g. {"orders": {"duplicate": 3}}.';
comment on column runs.error is 'Why the run failed (passwords redacted); null otherwise.';
comment on column runs.host is 'Host name of the machine that ran segflow.';
comment on column runs.pid is 'Process id of the segflow process.';

create table quarantine (
    run_id     uuid  not null,
    as_of      date  not null,
    source     text  not null,
    source_key text,
    reason     text  not null,
    action     text  not null,
    raw        jsonb not null,
    constraint quarantine_action_check check (action in ('rejected', 'repaired'))
);

create index quarantine_as_of_idx on quarantine (as_of, source, reason);
create index quarantine_run_idx on quarantine (run_id);

comment on table quarantine is 'Source rows the clean stage rejected or repaired, per snapshot; replaced when the as-of day is published again.';
comment on column quarantine.run_id is 'The run that quarantined the row (runs.run_id).';
comment on column quarantine.as_of is 'As-of day of the snapshot being computed.';
comment on column quarantine.source is 'Source table: customers, products, orders, order_items, sessions, chats or fx_rates.';
comment on column quarantine.source_key is 'Key of the row in its source table as text (composite keys joined with "/"); null when the key itself is missing.';
comment on column quarantine.reason is 'Why: missing_key, duplicate, test_account, invalid_email, orphan_customer, … (see docs/semantics.md).';
comment on column quarantine.action is 'rejected (the row was left out) or repaired (a value was replaced, the row kept).';
comment on column quarantine.raw is 'The raw source values as text, by column name (JSON null for SQL null).';
