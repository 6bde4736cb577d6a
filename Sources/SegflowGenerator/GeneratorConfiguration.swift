import Foundation
import PostgresClient
import SegflowEngine

/// What `DataGenerator` produces. The output depends only on `customers`, `seed`,
/// `dirtyRate`, `endDay`, `years`, `personaMix` and `blockSize`; never on `workers`
/// or on the wall clock.
public struct GeneratorConfiguration: Sendable {
    /// Customers to generate (anonymous visitors, orders, sessions, … follow from them).
    public var customers: Int
    public var seed: UInt64
    /// Probability that a source row carries a defect (0 = clean data). About this share
    /// of every table's rows is defective; each defect is listed in `shop_truth.injected_defects`.
    public var dirtyRate: Double
    /// The last day of the data (UTC); nothing clean happens after the end of this day.
    public var endDay: PostgresDate
    /// Length of the data span in years of 365 days, ending on `endDay`.
    public var years: Int
    /// Threads that encode rows; the output does not depend on it.
    public var workers: Int
    /// Drop and recreate `shop` and `shop_truth` if they exist.
    public var replace: Bool
    public var personaMix: PersonaMix
    /// Customers per block. Every block has its own random stream and id ranges, so this
    /// (not `workers`) fixes the output: change it and the same seed gives other data.
    public var blockSize: Int
    /// Create the extraction indexes and analyze the tables after loading.
    public var createIndexes: Bool
    /// Seconds between progress log lines.
    public var progressInterval: Double

    /// 2026-06-30 (a fixed day: generated data never depends on the clock).
    public static let defaultEndDay = PostgresDate(daysSince2000: 9_677)

    public init(
        customers: Int,
        seed: UInt64,
        dirtyRate: Double = 0,
        endDay: PostgresDate = GeneratorConfiguration.defaultEndDay,
        years: Int = 3,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        replace: Bool = false,
        personaMix: PersonaMix = .standard,
        blockSize: Int = 5_000,
        createIndexes: Bool = true,
        progressInterval: Double = 5
    ) {
        self.customers = customers
        self.seed = seed
        self.dirtyRate = dirtyRate
        self.endDay = endDay
        self.years = years
        self.workers = workers
        self.replace = replace
        self.personaMix = personaMix
        self.blockSize = blockSize
        self.createIndexes = createIndexes
        self.progressInterval = progressInterval
    }

    public func validate() throws {
        guard customers >= 0 else { throw GenerationError.invalidConfiguration("customers must not be negative") }
        guard customers <= 100_000_000 else { throw GenerationError.invalidConfiguration("at most 100,000,000 customers") }
        guard (0...0.5).contains(dirtyRate) else { throw GenerationError.invalidConfiguration("the dirty rate must be within 0...0.5") }
        guard (1...20).contains(years) else { throw GenerationError.invalidConfiguration("years must be within 1...20") }
        guard workers >= 1 else { throw GenerationError.invalidConfiguration("at least one worker") }
        guard (100...1_000_000).contains(blockSize) else { throw GenerationError.invalidConfiguration("block size must be within 100...1,000,000") }
        guard personaMix.normalized.contains(where: { $0.1 > 0 }) else {
            throw GenerationError.invalidConfiguration("the persona mix has no positive share")
        }
    }

    public var blockCount: Int { (customers + blockSize - 1) / blockSize }
}

public enum GenerationError: SegflowError, Sendable {
    case invalidConfiguration(String)
    /// The target already holds source data and `replace` is off.
    case sourceNotEmpty(String)
    case aborted(String)

    public var code: SegflowErrorCode {
        switch self {
        case .invalidConfiguration: .invalidGeneratorConfiguration
        case .sourceNotEmpty: .sourceNotEmpty
        case .aborted: .generationAborted
        }
    }

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): "invalid generator configuration: \(message)"
        case .sourceNotEmpty(let message): message
        case .aborted(let message): "generation aborted: \(message)"
        }
    }
}
