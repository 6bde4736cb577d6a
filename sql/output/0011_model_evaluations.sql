-- model_evaluations: one row per `segflow evaluate` (docs/models.md, "Evaluation"): the configured
-- models fitted on the snapshot of calibration_end, their predictions of (calibration_end, holdout_end]
-- against what the customers did, beside a naive baseline; and a BI view of its calibration table.
--
-- Written by `segflow evaluate` alone, one insert per evaluation; it never touches the published
-- snapshots. Not part of a snapshot: republishing an as_of leaves the evaluations as they were.

create table model_evaluations (
    evaluation_id            uuid primary key default gen_random_uuid(),
    evaluated_at             timestamptz not null default now(),
    pipeline                 text not null,
    config_hash              text not null,
    segflow_version          text not null,
    calibration_end          date not null,
    holdout_end              date not null,
    holdout_days             int4 not null,
    purchase_model           text not null,
    time_unit                text not null,
    penalizer                float8 not null,
    purchase_fit_status      text not null check (purchase_fit_status in ('converged', 'not_converged', 'failed')),
    purchase_fit_reason      text,
    purchase_parameters      jsonb,
    purchase_log_likelihood  float8,
    spend_fit_status         text not null check (spend_fit_status in ('converged', 'not_converged', 'failed')),
    spend_fit_reason         text,
    spend_parameters         jsonb,
    customers                int4 not null,
    holdout_buyers           int4 not null,
    actual_purchases         int8 not null,
    model_unpredicted        int4 not null,
    model_purchases          float8,
    model_mae                float8,
    model_rmse               float8,
    baseline_purchases       float8,
    baseline_mae             float8,
    baseline_rmse            float8,
    spend_customers          int4 not null,
    actual_mean_spend        float8,
    model_spend_unpredicted  int4 not null,
    model_mean_spend         float8,
    model_spend_mae          float8,
    model_spend_rmse         float8,
    baseline_mean_spend      float8,
    baseline_spend_mae       float8,
    baseline_spend_rmse      float8,
    calibration              jsonb not null,
    seconds                  float8 not null,
    check (calibration_end < holdout_end)
);

create index model_evaluations_period_idx on model_evaluations (calibration_end, holdout_end, evaluated_at);

comment on table model_evaluations is 'One row per segflow evaluate: the pipeline''s purchase model (BG/NBD or MBG/NBD) and Gamma-Gamma fitted on the snapshot of calibration_end, their predictions for (calibration_end, holdout_end] against what the customers of that snapshot with a purchase did, and a naive baseline (past repeat-purchase rate carried forward). Definitions: docs/models.md, "Evaluation". Not part of any snapshot.';
comment on column model_evaluations.evaluation_id is 'Identifies the evaluation.';
comment on column model_evaluations.evaluated_at is 'When the evaluation was stored.';
comment on column model_evaluations.pipeline is 'The pipeline file''s name.';
comment on column model_evaluations.config_hash is 'SHA-256 of the pipeline configuration (as snapshots.config_hash), models section included.';
comment on column model_evaluations.segflow_version is 'The segflow version that evaluated.';
comment on column model_evaluations.calibration_end is 'D1: the models were fitted on the snapshot of this as-of day (pipeline timezone).';
comment on column model_evaluations.holdout_end is 'D2: the holdout is the local days (calibration_end, holdout_end].';
comment on column model_evaluations.holdout_days is 'holdout_end - calibration_end: the horizon h of the predictions, in days.';
comment on column model_evaluations.purchase_model is 'The purchase model fitted (models.purchase): bg_nbd or mbg_nbd.';
comment on column model_evaluations.time_unit is 'The unit of the time parameter alpha in purchase_parameters: days or weeks (models.time_unit).';
comment on column model_evaluations.penalizer is 'The L2 penalizer of both fits (models.penalizer).';
comment on column model_evaluations.purchase_fit_status is 'converged, not_converged or failed; only a converged fit predicts (model_* columns are null otherwise).';
comment on column model_evaluations.purchase_fit_reason is 'Why the purchase fit did not converge; null when it did.';
comment on column model_evaluations.purchase_parameters is 'The purchase model''s parameters, e.g. {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43} (alpha in time_unit); null unless converged.';
comment on column model_evaluations.purchase_log_likelihood is 'Total log-likelihood of the purchase fit in days; null unless converged.';
comment on column model_evaluations.spend_fit_status is 'Status of the Gamma-Gamma fit: converged, not_converged or failed.';
comment on column model_evaluations.spend_fit_reason is 'Why the Gamma-Gamma fit did not converge; null when it did.';
comment on column model_evaluations.spend_parameters is 'Gamma-Gamma parameters {"p", "q", "v"}; null unless converged.';
comment on column model_evaluations.customers is 'Customers of the calibration snapshot with at least one purchase on or before calibration_end: the population every purchase metric is over.';
comment on column model_evaluations.holdout_buyers is 'Of customers, those with at least one purchase day in the holdout.';
comment on column model_evaluations.actual_purchases is 'Sum over customers of their distinct purchase days in the holdout (btyd_frequency on holdout_end minus on calibration_end).';
comment on column model_evaluations.model_unpredicted is 'Customers without a model prediction of their holdout purchases: all of them unless the purchase fit converged, else those where the model is undefined (docs/models.md). The model_* purchase metrics are null unless it is 0.';
comment on column model_evaluations.model_purchases is 'Sum over customers of the model''s expected purchases in the holdout (conditional expectation over holdout_days); null unless the purchase fit converged.';
comment on column model_evaluations.model_mae is 'Mean absolute error per customer of the model''s expected holdout purchases: sum(abs(predicted - actual)) / customers.';
comment on column model_evaluations.model_rmse is 'Root mean squared error per customer of the model''s expected holdout purchases: sqrt(sum((predicted - actual)^2) / customers).';
comment on column model_evaluations.baseline_purchases is 'Sum over customers of the baseline''s holdout purchases: btyd_frequency / btyd_t * holdout_days (0 when btyd_t = 0), on calibration_end; null without customers.';
comment on column model_evaluations.baseline_mae is 'Mean absolute error per customer of the baseline (as model_mae). model_mae / baseline_mae below 1: the model beats the baseline.';
comment on column model_evaluations.baseline_rmse is 'Root mean squared error per customer of the baseline (as model_rmse).';
comment on column model_evaluations.spend_customers is 'Customers whose spend is compared: holdout buyers inside Gamma-Gamma''s domain (btyd_frequency = 0 or btyd_monetary_value > 0 on calibration_end).';
comment on column model_evaluations.actual_mean_spend is 'Mean over spend_customers of their holdout spend per purchase day (holdout net revenue / holdout purchase days), base currency.';
comment on column model_evaluations.model_spend_unpredicted is 'Of spend_customers, those without an expected average order value (no converged spend fit, or q <= 1: no finite mean). The model spend metrics are null unless it is 0.';
comment on column model_evaluations.model_mean_spend is 'Mean over spend_customers of Gamma-Gamma''s expected average order value (per purchase day); null unless the spend fit converged.';
comment on column model_evaluations.model_spend_mae is 'Mean absolute error of the expected average order value against the holdout spend per purchase day.';
comment on column model_evaluations.model_spend_rmse is 'Root mean squared error of the expected average order value against the holdout spend per purchase day.';
comment on column model_evaluations.baseline_mean_spend is 'Mean over spend_customers of the baseline spend: monetary / (btyd_frequency + 1) on calibration_end, the customer''s mean purchase-day revenue so far.';
comment on column model_evaluations.baseline_spend_mae is 'Mean absolute error of the baseline spend.';
comment on column model_evaluations.baseline_spend_rmse is 'Root mean squared error of the baseline spend.';
comment on column model_evaluations.calibration is 'The calibration table: a JSON array, one object per non-empty bucket of btyd_frequency on calibration_end (0 … 6, 7+) with frequency (lowest of the bucket), label, customers, actual_total, model_total, baseline_total and the means actual_mean, model_mean, baseline_mean (model_* absent unless the purchase fit converged). Read it as rows from segflow_bi.fct_model_calibration.';
comment on column model_evaluations.seconds is 'Wall time of the evaluation: extraction, features, fits and metrics.';

-- ---------------------------------------------------------------------------------------
-- fct_model_calibration, in the BI schema (created by 0007).

do $$
begin
    perform set_config('search_path', format('%I, %I, pg_catalog, pg_temp', current_schema() || '_bi', current_schema()), true);
end
$$;

create view fct_model_calibration as
select
    e.evaluation_id,
    e.evaluated_at,
    e.pipeline,
    e.calibration_end,
    e.holdout_end,
    e.holdout_days,
    e.purchase_model,
    e.purchase_fit_status,
    b.frequency                                 as frequency_bucket,
    b.label                                     as frequency_label,
    b.customers,
    b.actual_total                              as actual_purchases,
    b.model_total                               as model_purchases,
    b.baseline_total                            as baseline_purchases,
    b.actual_total / b.customers                as actual_mean,
    b.model_total / b.customers                 as model_mean,
    b.baseline_total / b.customers              as baseline_mean
from model_evaluations e
cross join lateral jsonb_to_recordset(e.calibration)
    as b(frequency int4, label text, customers int4, actual_total float8, model_total float8, baseline_total float8);

comment on view fct_model_calibration is 'Grain: one row per model evaluation (evaluation_id) and calibration frequency bucket (0 … 6, 7+): customers, holdout purchases actual, predicted by the model and by the naive baseline, as lifetimes'' calibration-vs-holdout plot. Sums may be taken across the buckets of one evaluation, never across evaluations (they overlap).';
comment on column fct_model_calibration.evaluation_id is 'Dimension. The evaluation (model_evaluations.evaluation_id); filter on one, or on the latest evaluated_at of a (calibration_end, holdout_end).';
comment on column fct_model_calibration.evaluated_at is 'Dimension. When the evaluation was stored.';
comment on column fct_model_calibration.pipeline is 'Dimension. The pipeline file''s name.';
comment on column fct_model_calibration.calibration_end is 'Dimension. The models were fitted on the snapshot of this day.';
comment on column fct_model_calibration.holdout_end is 'Dimension. End of the holdout (calibration_end, holdout_end].';
comment on column fct_model_calibration.holdout_days is 'Dimension. holdout_end - calibration_end in days: the prediction horizon.';
comment on column fct_model_calibration.purchase_model is 'Dimension. bg_nbd or mbg_nbd.';
comment on column fct_model_calibration.purchase_fit_status is 'Dimension. converged, not_converged or failed; model_* are null unless converged.';
comment on column fct_model_calibration.frequency_bucket is 'Dimension. btyd_frequency on calibration_end, 7 standing for 7 or more: sort by it.';
comment on column fct_model_calibration.frequency_label is 'Dimension. The bucket as shown: 0 … 6, 7+.';
comment on column fct_model_calibration.customers is 'Point-in-time: customers of the bucket (with a purchase by calibration_end); the denominator of the means. Sums across the buckets of one evaluation to its customers; never across evaluations.';
comment on column fct_model_calibration.actual_purchases is 'Flow over the holdout (calibration_end, holdout_end]: distinct purchase days of the bucket''s customers. Sums across the buckets of one evaluation; never across evaluations.';
comment on column fct_model_calibration.model_purchases is 'Flow over the holdout, predicted: the model''s expected purchases of the bucket''s customers; null unless the fit converged. Sums across the buckets of one evaluation; never across evaluations.';
comment on column fct_model_calibration.baseline_purchases is 'Flow over the holdout, predicted: btyd_frequency / btyd_t * holdout_days summed over the bucket''s customers. Sums across the buckets of one evaluation; never across evaluations.';
comment on column fct_model_calibration.actual_mean is 'Ratio, never sum or average: actual_purchases / customers. Over several buckets compute sum(actual_purchases) / sum(customers).';
comment on column fct_model_calibration.model_mean is 'Ratio, never sum or average: model_purchases / customers. Over several buckets compute sum(model_purchases) / sum(customers).';
comment on column fct_model_calibration.baseline_mean is 'Ratio, never sum or average: baseline_purchases / customers. Over several buckets compute sum(baseline_purchases) / sum(customers).';
