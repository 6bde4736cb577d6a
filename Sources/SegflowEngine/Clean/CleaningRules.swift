/// The cleaning settings of a pipeline (`cleaning:` in the pipeline file).
public struct CleaningRules: Sendable {
    public var testCustomerIDs: Set<Int64>
    /// Normalised (trimmed, lower-cased) e-mail addresses of internal or test accounts.
    public var testEmails: Set<String>
    /// Domains whose addresses are internal or test accounts.
    public var testEmailDomains: Set<String>
    public var validStatuses: Set<String>
    /// Orders whose subtotal in the base currency exceeds this (in cents) are absurd.
    public var maxOrderTotalCents: Int64

    public init(
        testCustomerIDs: Set<Int64> = [],
        testEmails: Set<String> = [],
        testEmailDomains: Set<String> = [],
        validStatuses: Set<String> = ["completed", "cancelled", "refunded", "pending"],
        maxOrderTotalCents: Int64 = 100_000_00
    ) {
        self.testCustomerIDs = testCustomerIDs
        self.testEmails = Set(testEmails.map { TextNormalization.lowerTrimmed($0) ?? "" })
        self.testEmailDomains = Set(testEmailDomains.map { TextNormalization.lowerTrimmed($0) ?? "" })
        self.validStatuses = Set(validStatuses.map(TextNormalization.lowercased))
        self.maxOrderTotalCents = maxOrderTotalCents
    }

    func isTestAccount(customerID: Int64, normalizedEmail: String?) -> Bool {
        if testCustomerIDs.contains(customerID) { return true }
        guard let email = normalizedEmail else { return false }
        if testEmails.contains(email) { return true }
        if let at = email.lastIndex(of: "@") {
            return testEmailDomains.contains(String(email[email.index(after: at)...]))
        }
        return false
    }
}
