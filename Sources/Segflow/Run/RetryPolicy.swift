import Foundation
import Logging
import PostgresClient
import SegflowEngine

/// Retries an attempt that failed for a transient reason (connection refused or reset,
/// server restart or admin shutdown, serialization failure, deadlock) with exponential
/// backoff and jitter, for at most `retryFor` seconds in total.
public struct RetryPolicy: Sendable {
    /// Seconds from the first failure after which no new attempt starts; 0 disables retries.
    public var retryFor: Double
    public var initialDelay: Double
    public var maxDelay: Double

    public init(retryFor: Double = 600, initialDelay: Double = 0.5, maxDelay: Double = 30) {
        self.retryFor = max(0, retryFor)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Worth another attempt: a transient database error that is not a cancel
    /// (`PostgresError.isRetryable`).
    public static func isTransient(_ error: any Error) -> Bool {
        (error as? PostgresError)?.isRetryable ?? false
    }

    /// One attempt: its number (from 1), and a way to say it got somewhere, so a later
    /// failure starts a new retry window instead of using up the old one.
    public final class Attempt {
        public let number: Int
        fileprivate(set) var madeProgress = false
        init(number: Int) { self.number = number }
        public func progressed() { madeProgress = true }
    }

    /// Runs `attempt` until it succeeds, fails for a reason that is not transient (rethrown
    /// as is), or keeps failing transiently for longer than `retryFor` without progress
    /// (`TransientFailureError`). Each retry is logged with the error and the pause.
    public func run<T>(logger: Logger, _ attempt: (Attempt) throws -> T) throws -> T {
        var number = 1
        var firstFailure: Date?
        var delay = initialDelay
        while true {
            let current = Attempt(number: number)
            do {
                return try attempt(current)
            } catch {
                guard Self.isTransient(error) else { throw error }
                if current.madeProgress {
                    firstFailure = nil
                    delay = initialDelay
                }
                let first = firstFailure ?? Date()
                firstFailure = first
                let elapsed = Date().timeIntervalSince(first)
                let remaining = retryFor - elapsed
                guard remaining > 0 else {
                    if retryFor == 0 { throw error }
                    throw TransientFailureError(attempts: number, seconds: elapsed, underlying: String(describing: error))
                }
                // Full jitter on the upper half: spreads reconnecting clients after a restart.
                let pause = min(remaining, delay * Double.random(in: 0.5...1.0))
                logger.warning("transient failure; retrying", metadata: [
                    "attempt": "\(number)", "error": "\(error)", "retry_in": "\(String(format: "%.2f", pause))",
                    "retry_for": "\(String(format: "%.0f", retryFor))",
                ])
                // In slices: a stop (RunStop) ends the pause at once; the next attempt then fails.
                let resume = Date().addingTimeInterval(pause)
                while Date() < resume, RunStop.requested == nil {
                    Thread.sleep(forTimeInterval: min(0.1, max(0, resume.timeIntervalSinceNow)))
                }
                delay = min(delay * 2, maxDelay)
                number += 1
            }
        }
    }
}

/// Transient failures went on for longer than the retry window: worth running again later.
public struct TransientFailureError: SegflowError {
    public var code: SegflowErrorCode { .transientFailure }
    public var attempts: Int
    public var seconds: Double
    /// The last error (already redacted: `PostgresError.description` carries no secrets).
    public var underlying: String

    public var description: String {
        "gave up after \(attempts) attempts over \(Int(seconds.rounded())) s of transient failures; last: \(underlying)"
    }
}
