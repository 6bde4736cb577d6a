-- quarantine: every source row a staging model rejected, and every repair it made.
--
-- One row per rejected source row (action 'rejected', one reason: the first failing check
-- in the order of docs/semantics.md) and one row per repaired value (action 'repaired',
-- the original value in `detail`). Filled by the 1xx staging files. Rows at or after the
-- cut-off are not in the snapshot and appear nowhere, so per source:
--   rows in the snapshot = rows kept (stg_*) + rows rejected here.

create table segflow_reference.quarantine (
    source      text not null,   -- source table: customers, products, orders, ...
    source_key  text,            -- the row's key as text (order_id/line_no, day/currency), null if missing
    action      text not null,   -- rejected | repaired
    reason      text not null,   -- missing_key, missing_value, duplicate, test_account, ...
    detail      text,            -- repairs: the value before the repair
    record      jsonb not null   -- the normalised source row
);

comment on table segflow_reference.quarantine is
    'Rejected source rows and repaired values, with reasons (docs/semantics.md, Clean).';
