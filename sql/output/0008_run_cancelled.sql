-- A run stopped by SIGTERM or SIGINT is closed as `cancelled` (exit 143 or 130) by the
-- stopping process itself, instead of staying `running` until a later run closes it.
alter table runs drop constraint runs_status_check;
alter table runs add constraint runs_status_check
    check (status in ('running', 'succeeded', 'failed', 'gate_failed', 'cancelled'));

comment on column runs.status is 'running, succeeded, failed, gate_failed (a data-quality gate stopped it before anything was published), or cancelled (stopped by SIGTERM or SIGINT; exit_code 143 or 130; nothing of it published). A run that stays running long after started_at was killed.';
