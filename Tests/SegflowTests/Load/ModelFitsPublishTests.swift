import Foundation
import Logging
import PostgresClient
import SegflowTestSupport
import Testing
@testable import SegflowPublish

/// `model_fits` as the publisher writes it: inside the snapshot's transaction, replaced when the
/// as_of is published again, parameters exact to the bit, and the BI views over it.
@Suite struct ModelFitsPublishTests {
    let logger = testLogger("segflow.test.model_fits")

    static let purchase = ModelFitRecord(
        model: "bg_nbd", component: .purchase, timeUnit: "days", status: "converged", reason: nil,
        parameterNames: ["r", "alpha", "a", "b"], parameters: [0.242593, 4.413595, 0.792919, 2.425938 + 1e-13],
        standardErrors: [0.0126, 0.3784, 0.1852, 0.7059], logLikelihood: -9582.429, customers: 2357, distinctRows: 1379,
        iterations: 27, evaluations: 31, penalizer: 0, seconds: 0.01)
    static let spend = ModelFitRecord(
        model: "gamma_gamma", component: .spend, timeUnit: nil, status: "not_converged",
        reason: "1000 iterations without the gradient reaching 1e-09", parameterNames: ["p", "q", "v"],
        parameters: [6.25, 3.74, 15.44], standardErrors: nil, logLikelihood: -1234, customers: 946, distinctRows: 900,
        iterations: 1000, evaluations: 1200, penalizer: 0, seconds: 0.2)

    @Test func fitsArePublishedWithTheSnapshotAndReplacedWithIt() throws {
        let (database, connection) = try LoadTestDatabase.migrated("model_fits")
        _ = database
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        var snapshot = KPIExample.januarySnapshot()
        snapshot.modelFits = [Self.purchase, Self.spend]
        let report = try publisher.publish(snapshot)
        #expect(report.rowCounts["model_fits"] == 2)

        let rows = try connection.texts("""
            select model, component, status, reason, time_unit, parameters::text, standard_errors::text,
                   log_likelihood::text, customers::text, distinct_rows::text, iterations::text, penalizer::text,
                   (run_id = (select run_id from segflow.snapshots where as_of = '2024-01-31'))::text
            from segflow.model_fits where as_of = '2024-01-31' order by model
            """)
        #expect(rows == [
            ["bg_nbd", "purchase", "converged", nil, "days",
             #"{"a": 0.792919, "b": 2.4259380000001, "r": 0.242593, "alpha": 4.413595}"#,
             #"{"a": 0.1852, "b": 0.7059, "r": 0.0126, "alpha": 0.3784}"#, "-9582.429", "2357", "1379", "27", "0", "true"],
            // Not converged: the reason, no parameters, no likelihood.
            ["gamma_gamma", "spend", "not_converged", "1000 iterations without the gradient reaching 1e-09", nil,
             nil, nil, nil, "946", "900", "1000", "0", "true"],
        ])
        // Each parameter reads back as the same double.
        let values = try connection.texts("""
            select key, value::float8::text from segflow.model_fits, jsonb_each(parameters) where model = 'bg_nbd' order by key
            """)
        for row in values {
            let index = try #require(Self.purchase.parameterNames.firstIndex(of: row[0] ?? ""))
            #expect(Double(row[1] ?? "") == Self.purchase.parameters[index], "\(row)")
        }
        // The BI views: one row per fit, one per parameter of converged fits with its interval.
        #expect(try connection.texts("select model, status, customers::text, is_latest::text from segflow_bi.fct_model_fits order by model")
            == [["bg_nbd", "converged", "2357", "true"], ["gamma_gamma", "not_converged", "946", "true"]])
        let parameters = try connection.texts("""
            select parameter, value::text, standard_error::text, round((ci_lower_95)::numeric, 6)::text, round((ci_upper_95)::numeric, 6)::text
            from segflow_bi.fct_model_parameters order by parameter
            """)
        #expect(parameters == [
            ["a", "0.792919", "0.1852", "0.429927", "1.155911"],
            ["alpha", "4.413595", "0.3784", "3.671931", "5.155259"],
            ["b", "2.4259380000001", "0.7059", "1.042374", "3.809502"],
            ["r", "0.242593", "0.0126", "0.217897", "0.267289"],
        ])

        // Another snapshot keeps its own rows; publishing January again replaces January's.
        var february = KPIExample.februarySnapshot()
        february.modelFits = [Self.purchase]
        try publisher.publish(february)
        var again = KPIExample.januarySnapshot()
        var refit = Self.spend
        refit.status = "converged"
        refit.reason = nil
        again.modelFits = [refit]
        try publisher.publish(again)
        #expect(try connection.texts("select as_of::text, model, status from segflow.model_fits order by 1, 2") == [
            ["2024-01-31", "gamma_gamma", "converged"], ["2024-02-29", "bg_nbd", "converged"],
        ])
        #expect(try connection.texts("""
            select count(*)::text from segflow.model_fits f join segflow.snapshots s using (as_of) where f.run_id <> s.run_id
            """) == [["0"]])
        // A snapshot published without models (models.enabled: false) leaves none for its day.
        try publisher.publish(KPIExample.januarySnapshot())
        #expect(try connection.texts("select as_of::text from segflow.model_fits") == [["2024-02-29"]])
    }

    @Test func aFailedPublishLeavesTheFitsItWasReplacing() throws {
        let (database, connection) = try LoadTestDatabase.migrated("model_fits_atomic")
        _ = database
        let publisher = try SnapshotPublisher(connection: connection, logger: logger)
        var snapshot = KPIExample.januarySnapshot()
        snapshot.modelFits = [Self.purchase]
        try publisher.publish(snapshot)
        let published = try connection.texts("select run_id::text from segflow.snapshots")
        // A status the table refuses fails the publish after the old rows were deleted: all rolls back.
        var broken = KPIExample.januarySnapshot()
        var bad = Self.spend
        bad.model = "mbg_nbd"
        bad.status = "diverged"
        broken.modelFits = [Self.spend, bad]
        #expect(throws: PostgresError.self) { try publisher.publish(broken) }
        #expect(try connection.texts("select model, status from segflow.model_fits") == [["bg_nbd", "converged"]])
        #expect(try connection.texts("select run_id::text from segflow.snapshots") == published)
    }
}
