/// Why the clean stage rejected or repaired a source row: the `reason` column of
/// `quarantine`. One list for the cleaners, the generator's defects (`DefectKind`) and the
/// tests; docs/semantics.md ("Clean") defines each (a test keeps the two in step).
public enum QuarantineReason: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case missingKey = "missing_key"
    case missingValue = "missing_value"
    case invalidValue = "invalid_value"
    case duplicate
    case testAccount = "test_account"
    case invalidEmail = "invalid_email"
    case invalidCountry = "invalid_country"
    case invalidBirthDate = "invalid_birth_date"
    case futureTimestamp = "future_timestamp"
    case orphanCustomer = "orphan_customer"
    case orphanOrder = "orphan_order"
    case orphanProduct = "orphan_product"
    case invalidStatus = "invalid_status"
    case unknownCurrency = "unknown_currency"
    case negativeAmount = "negative_amount"
    case absurdAmount = "absurd_amount"
    case bot

    /// The code as `quarantine.reason` stores it.
    public var description: String { rawValue }
}
