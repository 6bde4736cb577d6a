import PostgresClient

extension SourceCleaner {
    /// A row of `CustomerColumn`s.
    func consumeCustomer(_ row: BinaryCopyRow) throws {
        let box = log(.customers)
        box.log.receive()
        guard let id = try row.int64(CustomerColumn.customerID) else {
            box.log.reject(key: "", reason: .missingKey, raw: RawValues.render(row, source: .customers))
            return
        }
        guard let created = try row.timestamp(CustomerColumn.createdAt) else {
            box.log.reject(key: String(id), reason: .missingValue, raw: RawValues.render(row, source: .customers))
            return
        }
        // -infinity places no account in time (infinity is after every cut-off, never read).
        guard created.isFinite else {
            box.log.reject(key: String(id), reason: .invalidValue, raw: RawValues.render(row, source: .customers))
            return
        }
        let createdAt = created.microsecondsSince2000
        let rawEmail = try row.string(CustomerColumn.email)
        let updatedAt = Self.orderingTime(try row.timestamp(CustomerColumn.updatedAt))
        let table = customers
        if let existing = table.index.find(id) {
            let slot = Int(existing)
            // Latest updated_at wins; ties: the greater normalised e-mail, then the greater created_at.
            let newer = (updatedAt, TextNormalization.lowerTrimmed(rawEmail) ?? "", createdAt)
                > (table.updatedAt[slot], TextNormalization.lowerTrimmed(table.rawEmail[slot]) ?? "", table.createdAt[slot])
            if !newer {
                box.log.reject(key: String(id), reason: .duplicate, raw: RawValues.render(row, source: .customers))
                return
            }
            box.log.rejectKept(key: String(id), reason: .duplicate, raw: [
                .init("customer_id", String(id)), .init("email", table.rawEmail[slot]),
                .init("created_at", PostgresTimestamp(microsecondsSince2000: table.createdAt[slot]).description),
                .init("updated_at", Self.orderingTimeText(table.updatedAt[slot])),
            ])
            try storeCustomer(row, slot: slot, id: id, rawEmail: rawEmail, createdAt: createdAt, updatedAt: updatedAt)
        } else {
            table.index.insert(id, Int32(table.count))
            table.ids.append(id)
            table.createdAt.append(0)
            table.updatedAt.append(0)
            table.rawEmail.append(nil)
            table.country.append(nil)
            table.rawCountry.append(nil)
            table.city.append(nil)
            table.birthDay.append(.min)
            table.rawBirthDay.append(.min)
            table.newsletter.append(false)
            table.acquisitionChannel.append(nil)
            table.kept.append(true)
            try storeCustomer(row, slot: table.count - 1, id: id, rawEmail: rawEmail, createdAt: createdAt, updatedAt: updatedAt)
        }
    }

    private func storeCustomer(_ row: BinaryCopyRow, slot: Int, id: Int64, rawEmail: String?, createdAt: Int64, updatedAt: Int64) throws {
        let table = customers
        table.createdAt[slot] = createdAt
        table.updatedAt[slot] = updatedAt
        table.rawEmail[slot] = rawEmail
        table.rawCountry[slot] = try row.string(CustomerColumn.country)
        table.city[slot] = try row.string(CustomerColumn.city).map(TextNormalization.trimmed)
        // ±infinity become the day sentinels `Self.birthDayText` reads back; both are repaired.
        table.rawBirthDay[slot] = try row.date(CustomerColumn.birthDate).map { $0.isFinite ? $0.daysSince1970 : $0.daysSince2000 > 0 ? .max : .min + 1 } ?? .min
        table.newsletter[slot] = try row.bool(CustomerColumn.newsletterOptIn) ?? false
        table.acquisitionChannel[slot] = TextNormalization.lowerTrimmed(try row.string(CustomerColumn.acquisitionChannel))
    }

    /// After all customer rows: test accounts out, e-mails, countries and birth dates normalised.
    func finalizeCustomers() {
        let table = customers
        let box = log(.customers)
        // D - interval '120 years', with PostgreSQL's clamping of Feb 29 to Feb 28.
        let asOf = PostgresDate(daysSince1970: asOfDay).components
        let limit = (PostgresDate(year: asOf.year - 120, month: asOf.month, day: asOf.day)
            ?? PostgresDate(year: asOf.year - 120, month: asOf.month, day: 28))?.daysSince1970 ?? .min
        for slot in 0..<table.count {
            let id = table.ids[slot]
            let email = TextNormalization.lowerTrimmed(table.rawEmail[slot])
            if rules.isTestAccount(customerID: id, normalizedEmail: email) {
                table.kept[slot] = false
                box.log.reject(key: String(id), reason: .testAccount, raw: [.init("customer_id", String(id)), .init("email", table.rawEmail[slot])])
                continue
            }
            if let email, !TextNormalization.isValidEmail(email) {
                box.log.repair(key: String(id), reason: .invalidEmail, raw: [.init("email", table.rawEmail[slot])])
            }
            if let raw = table.rawCountry[slot] {
                let code = TextNormalization.countryCode(raw)
                if code == nil { box.log.repair(key: String(id), reason: .invalidCountry, raw: [.init("country", raw)]) }
                table.country[slot] = code
            }
            let birth = table.rawBirthDay[slot]
            if birth != .min {
                if birth > asOfDay || birth < limit {
                    box.log.repair(key: String(id), reason: .invalidBirthDate, raw: [.init("birth_date", Self.birthDayText(birth))])
                } else {
                    table.birthDay[slot] = birth
                }
            }
        }
        // Only deduplication and the checks above read the raw values.
        table.rawEmail = []
        table.updatedAt = []
        table.rawCountry = []
        table.rawBirthDay = []
    }

    /// The raw birth day kept by `storeCustomer` as text (sentinels for ±infinity).
    private static func birthDayText(_ day: Int32) -> String {
        switch day {
        case .max: "infinity"
        case .min + 1: "-infinity"
        default: PostgresDate(daysSince1970: day).description
        }
    }
}
