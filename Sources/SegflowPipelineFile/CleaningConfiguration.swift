/// Rules for dropping test data and quarantining implausible rows before features.
public struct CleaningConfiguration: Sendable, Hashable {
    /// Customers to exclude as test accounts.
    public struct TestAccounts: Sendable, Hashable {
        /// Exact addresses, lower-cased (matched case-insensitively).
        public var emails: [String] = []
        /// Domains after the `@`, lower-cased.
        public var emailDomains: [String] = []
        public var customerIDs: [Int64] = []

        public init(emails: [String] = [], emailDomains: [String] = [], customerIDs: [Int64] = []) {
            self.emails = emails
            self.emailDomains = emailDomains
            self.customerIDs = customerIDs
        }
    }

    public static let defaultValidStatuses = ["completed", "cancelled", "refunded", "pending"]
    public static let defaultMaxOrderTotal = 100_000.0
    /// The greatest `max_order_total`: what `numeric(14,2)` output columns hold.
    public static let largestMaxOrderTotal = 999_999_999_999.99

    public var testAccounts = TestAccounts()
    /// Order statuses accepted; others are quarantined.
    public var validStatuses = CleaningConfiguration.defaultValidStatuses
    /// Orders above this total (base currency) are quarantined as absurd.
    public var maxOrderTotal = CleaningConfiguration.defaultMaxOrderTotal

    public init(testAccounts: TestAccounts = TestAccounts(),
                validStatuses: [String] = CleaningConfiguration.defaultValidStatuses,
                maxOrderTotal: Double = CleaningConfiguration.defaultMaxOrderTotal) {
        self.testAccounts = testAccounts
        self.validStatuses = validStatuses
        self.maxOrderTotal = maxOrderTotal
    }
}
