import PostgresClient

extension SnapshotPublisher {
    /// Replaces the as_of's `model_fits` rows with `fits` (none when the models are off), inside the
    /// publish transaction, like `segment_definitions` and `quarantine`.
    func replaceModelFits(_ fits: [ModelFitRecord], asOf: PostgresDate, runID: RunID) throws -> Int {
        try connection.execute("delete from \(identifier: schema).model_fits where as_of = \(asOf)")
        for fit in fits {
            let converged = fit.isConverged
            try connection.execute("""
                insert into \(identifier: schema).model_fits
                    (as_of, model, component, status, reason, time_unit, parameters, standard_errors, log_likelihood,
                     customers, distinct_rows, iterations, evaluations, penalizer, fit_seconds, run_id)
                values (
                    \(asOf), \(fit.model), \(fit.component.rawValue), \(fit.status), \(fit.reason), \(fit.timeUnit),
                    \(fit.parametersJSON)::jsonb, \(fit.standardErrorsJSON)::jsonb,
                    \(converged && fit.logLikelihood.isFinite ? fit.logLikelihood : nil),
                    \(fit.customers), \(fit.distinctRows), \(Int32(clamping: fit.iterations)), \(Int32(clamping: fit.evaluations)),
                    \(fit.penalizer), \(fit.seconds), \(runID)::uuid
                )
                """)
        }
        return fits.count
    }
}
