import Foundation

/// The pipeline's `timezone`, resolved once, when the file is read: the IANA name as
/// written (what SQL's `at time zone` and the config hash use) and the zone the
/// calendars use. A name that does not resolve is an error of the file, never a fallback.
public struct PipelineTimeZone: Sendable, Hashable {
    public let name: String
    public let zone: TimeZone

    /// nil unless `name` is an IANA region name (`Europe/Berlin`) or `UTC`, known to the
    /// time zone database.
    public init?(_ name: String) {
        guard name.contains("/") || name == "UTC", let zone = TimeZone(identifier: name) else { return nil }
        self.name = name
        self.zone = zone
    }
}
