-- The customer-base models fitted on every snapshot (issue 10; docs/models.md, docs/semantics.md
-- "Model features"): one row per as-of day and model, written in the publish transaction of the
-- snapshot whose prediction features it explains, and replaced with it.
--
-- Parameters are jsonb objects keyed by parameter name ({"r": 0.243, "alpha": 4.41, "a": 0.79,
-- "b": 2.43}), so `parameters->>'alpha'` reads one by name; their numbers are the shortest text
-- that reads back as the same float8, so `(parameters->>'r')::float8` is the fitted value to the
-- bit. The BI views fct_model_fits and fct_model_parameters (one row per parameter, with its
-- 95 % interval) are the easy way in.

create table model_fits (
    as_of           date   not null,
    model           text   not null,
    component       text   not null check (component in ('purchase', 'spend')),
    status          text   not null check (status in ('converged', 'not_converged', 'failed')),
    reason          text,
    time_unit       text   check (time_unit in ('days', 'weeks')),
    parameters      jsonb,
    standard_errors jsonb,
    log_likelihood  float8,
    customers       int8   not null,
    distinct_rows   int8   not null,
    iterations      int4   not null,
    evaluations     int4   not null,
    penalizer       float8 not null,
    fit_seconds     float8 not null,
    run_id          uuid   not null,
    primary key (as_of, model)
);

comment on table model_fits is 'Customer-base models fitted on each snapshot''s BTYD summary (docs/models.md): one row per as-of day and model, the purchase model (bg_nbd or mbg_nbd) and the spend model (gamma_gamma). Published and replaced with the snapshot; the prediction features of customer_features (p_alive, expected_purchases_*, predicted_clv_365d, ...) come from the converged rows of the same as_of. No rows when the pipeline''s models are off.';
comment on column model_fits.as_of is 'As-of day of the snapshot the model was fitted on.';
comment on column model_fits.model is 'bg_nbd (BG/NBD, Fader, Hardie & Lee 2005), mbg_nbd (MBG/NBD, Batislam et al. 2007) or gamma_gamma (Gamma-Gamma spend model, Fader, Hardie & Lee 2005).';
comment on column model_fits.component is 'purchase: when customers buy and drop out (p_alive, expected_purchases_*, predicted_next_order_date); spend: the value of a purchase day (expected_avg_order_value).';
comment on column model_fits.status is 'converged (the gradient test passed; the predictions use this fit), not_converged (the optimiser stopped without passing it) or failed (no data, or a non-finite likelihood). Predictions of a fit that did not converge are null.';
comment on column model_fits.reason is 'Why the fit did not converge; null when it did.';
comment on column model_fits.time_unit is 'Unit of the time parameter alpha and of the log-likelihood: days or weeks (models.time_unit); null for gamma_gamma, which has none.';
comment on column model_fits.parameters is 'Fitted parameters by name: {"r","alpha","a","b"} for bg_nbd and mbg_nbd (alpha in time_unit), {"p","q","v"} for gamma_gamma (v in the base currency). Null unless status = converged. (parameters->>''r'')::float8 is the exact fitted value.';
comment on column model_fits.standard_errors is 'Standard errors by parameter name, from the inverse Hessian of the penalised objective (delta method, as lifetimes); the 95 % interval is value +- 1.96 * standard error. Null unless converged with a positive definite Hessian.';
comment on column model_fits.log_likelihood is 'Total log-likelihood of the fitted customers at the parameters, unpenalised, times in time_unit. Null unless converged.';
comment on column model_fits.customers is 'Customers the model was fitted on: every customer with a purchase (purchase models); repeat buyers with a positive btyd_monetary_value (gamma_gamma).';
comment on column model_fits.distinct_rows is 'Distinct (btyd_frequency, btyd_recency, btyd_t) triplets (purchase models) or (btyd_frequency, btyd_monetary_value) pairs (gamma_gamma) the likelihood summed over.';
comment on column model_fits.iterations is 'BFGS iterations of the fit.';
comment on column model_fits.evaluations is 'Likelihood (and gradient) evaluations of the fit.';
comment on column model_fits.penalizer is 'L2 penalty coefficient of the fit (models.penalizer, as lifetimes'' penalizer_coef); 0: plain maximum likelihood.';
comment on column model_fits.fit_seconds is 'Seconds the fit took (not deterministic, unlike everything else in the row).';
comment on column model_fits.run_id is 'The run that published the snapshot (runs.run_id).';

-- ---------------------------------------------------------------------------------------
-- The BI layer (see 0007): the views land in <schema>_bi and read the output schema's tables.

do $$
begin
    perform set_config('search_path', format('%I, %I, pg_catalog, pg_temp', current_schema() || '_bi', current_schema()), true);
end
$$;

create view fct_model_fits as
select
    f.as_of,
    c.is_latest,
    f.model,
    f.component,
    f.status,
    f.reason,
    f.time_unit,
    f.penalizer,
    f.customers,
    f.distinct_rows,
    f.log_likelihood,
    f.iterations
from model_fits f
join snapshot_calendar c on c.as_of = f.as_of;

create view fct_model_parameters as
select
    f.as_of,
    c.is_latest,
    f.model,
    f.component,
    f.time_unit,
    p.key                                                      as parameter,
    p.value::float8                                            as value,
    (f.standard_errors -> p.key)::float8                       as standard_error,
    p.value::float8 - 1.96 * (f.standard_errors -> p.key)::float8 as ci_lower_95,
    p.value::float8 + 1.96 * (f.standard_errors -> p.key)::float8 as ci_upper_95
from model_fits f
join snapshot_calendar c on c.as_of = f.as_of
cross join lateral jsonb_each(f.parameters) p
where f.status = 'converged';

comment on view fct_model_fits is 'Grain: one row per snapshot (as_of) and model. How each customer-base model fitted: status, reason, customers, log-likelihood. Only converged fits feed the prediction features; their parameters are in fct_model_parameters.';
comment on column fct_model_fits.as_of is 'Dimension. As-of day of the snapshot the model was fitted on.';
comment on column fct_model_fits.is_latest is 'Dimension. True for the latest published snapshot.';
comment on column fct_model_fits.model is 'Dimension. bg_nbd, mbg_nbd (purchase models) or gamma_gamma (spend model).';
comment on column fct_model_fits.component is 'Dimension. purchase (p_alive, expected purchases, next order date) or spend (expected_avg_order_value).';
comment on column fct_model_fits.status is 'Dimension. converged, not_converged or failed; the predictions of a fit that did not converge are null.';
comment on column fct_model_fits.reason is 'Dimension. Why the fit did not converge; null when it did.';
comment on column fct_model_fits.time_unit is 'Dimension. Unit of the time parameter alpha and of log_likelihood (days or weeks); null for gamma_gamma.';
comment on column fct_model_fits.penalizer is 'Dimension. L2 penalty coefficient of the fit (0: plain maximum likelihood).';
comment on column fct_model_fits.customers is 'Point-in-time: customers the model was fitted on. Never sum across as_of or models.';
comment on column fct_model_fits.distinct_rows is 'Point-in-time: distinct histories the likelihood summed over. Never sum across as_of or models.';
comment on column fct_model_fits.log_likelihood is 'Point-in-time: total log-likelihood at the fitted parameters (null unless converged). Compare fits of one as_of and one time_unit only; never sum.';
comment on column fct_model_fits.iterations is 'Point-in-time: optimiser iterations of the fit. Never sum.';

comment on view fct_model_parameters is 'Grain: one row per snapshot (as_of), model and parameter, converged fits only. The fitted value with its standard error and 95 % interval (value +- 1.96 standard errors); chart a parameter over as_of to see the customer base drift.';
comment on column fct_model_parameters.as_of is 'Dimension. As-of day of the snapshot the model was fitted on.';
comment on column fct_model_parameters.is_latest is 'Dimension. True for the latest published snapshot.';
comment on column fct_model_parameters.model is 'Dimension. bg_nbd, mbg_nbd (purchase models) or gamma_gamma (spend model).';
comment on column fct_model_parameters.component is 'Dimension. purchase or spend.';
comment on column fct_model_parameters.time_unit is 'Dimension. Unit of alpha (days or weeks); null for gamma_gamma.';
comment on column fct_model_parameters.parameter is 'Dimension. r, alpha, a, b (purchase models; alpha in time_unit) or p, q, v (gamma_gamma; v in the base currency).';
comment on column fct_model_parameters.value is 'Point-in-time: the fitted value. Never sum or average across as_of; chart it per snapshot.';
comment on column fct_model_parameters.standard_error is 'Point-in-time: standard error of the value (inverse Hessian, delta method); null when the Hessian was not positive definite. Never sum.';
comment on column fct_model_parameters.ci_lower_95 is 'Point-in-time: value - 1.96 * standard_error, the lower end of the 95 % interval. Never sum.';
comment on column fct_model_parameters.ci_upper_95 is 'Point-in-time: value + 1.96 * standard_error, the upper end of the 95 % interval. Never sum.';
