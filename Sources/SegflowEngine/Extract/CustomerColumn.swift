/// The columns of the `customers` source, in the order the extract stage selects them
/// (sql/source/ defines them); a cleaner reads a field by its column, not a position.
public enum CustomerColumn: Int, SourceColumn {
    case customerID
    case email
    case createdAt
    case country
    case city
    case birthDate
    case gender
    case newsletterOptIn
    case acquisitionChannel
    case updatedAt

    public var declaration: (name: String, type: String) {
        switch self {
        case .customerID: ("customer_id", "int8")
        case .email: ("email", "text")
        case .createdAt: ("created_at", "timestamptz")
        case .country: ("country", "text")
        case .city: ("city", "text")
        case .birthDate: ("birth_date", "date")
        case .gender: ("gender", "text")
        case .newsletterOptIn: ("newsletter_opt_in", "bool")
        case .acquisitionChannel: ("acquisition_channel", "text")
        case .updatedAt: ("updated_at", "timestamptz")
        }
    }
}
