/// What went wrong, stable across releases (postgres-nio style): tests, logs and the exit
/// code use it, never the message. Every code the library throws is declared here, so its
/// category (and through it the exit code) is decided in one place.
public struct SegflowErrorCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public let category: ErrorCategory

    init(_ rawValue: String, _ category: ErrorCategory) {
        self.rawValue = rawValue
        self.category = category
    }

    public var description: String { rawValue }

    // Usage or configuration: the same command fails the same way until someone changes it.
    public static let invalidPipelineFile = Self("invalidPipelineFile", .usage)
    public static let invalidExpression = Self("invalidExpression", .usage)
    public static let invalidBackfillRange = Self("invalidBackfillRange", .usage)
    public static let invalidEvaluationRange = Self("invalidEvaluationRange", .usage)
    public static let invalidGeneratorConfiguration = Self("invalidGeneratorConfiguration", .usage)
    public static let schemaTooNew = Self("schemaTooNew", .usage)
    public static let schemaOutdated = Self("schemaOutdated", .usage)
    /// `segflow export`: an unknown segment or column, or an as_of that was never published.
    public static let invalidExport = Self("invalidExport", .usage)

    // Data quality: a gate failed, nothing was published.
    public static let qualityGateFailed = Self("qualityGateFailed", .dataQuality)

    // Temporary: the same run later, when the database or the other session is done, can succeed.
    public static let transientFailure = Self("transientFailure", .temporary)
    public static let pipelineLocked = Self("pipelineLocked", .temporary)
    public static let migrationLockTimeout = Self("migrationLockTimeout", .temporary)
    public static let swapLockTimeout = Self("swapLockTimeout", .temporary)
    public static let tableLockTimeout = Self("tableLockTimeout", .temporary)

    // Anything else.
    public static let invalidMigrationFile = Self("invalidMigrationFile", .failure)
    public static let migrationChecksumMismatch = Self("migrationChecksumMismatch", .failure)
    public static let unknownMigration = Self("unknownMigration", .failure)
    public static let unsafeBIAccess = Self("unsafeBIAccess", .failure)
    public static let sourceNotEmpty = Self("sourceNotEmpty", .failure)
    public static let generationAborted = Self("generationAborted", .failure)
    public static let invalidFeatureColumns = Self("invalidFeatureColumns", .failure)
    public static let invalidFeatureValue = Self("invalidFeatureValue", .failure)
    public static let invalidSnapshot = Self("invalidSnapshot", .failure)
    public static let unknownRun = Self("unknownRun", .failure)
    /// `segflow evaluate`: a model fit did not converge (reported and stored first).
    public static let modelNotConverged = Self("modelNotConverged", .failure)
    /// segflow broke one of its own invariants: a bug, never the user's input.
    public static let engineInvariant = Self("engineInvariant", .failure)
}
