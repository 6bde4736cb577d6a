import PostgresClient

extension SourceCleaner {
    /// A row of `ProductColumn`s.
    func consumeProduct(_ row: BinaryCopyRow) throws {
        let box = log(.products)
        box.log.receive()
        guard let id = try row.int64(ProductColumn.productID) else {
            box.log.reject(key: "", reason: .missingKey, raw: RawValues.render(row, source: .products))
            return
        }
        // NaN, ±Infinity or more than Int64 cents is no price.
        let listPrice = try row.scaledNumeric(ProductColumn.listPrice, scale: 2)
        guard listPrice != .unrepresentable else {
            box.log.reject(key: String(id), reason: .invalidValue, raw: RawValues.render(row, source: .products))
            return
        }
        let sku = try row.string(ProductColumn.sku).map(TextNormalization.trimmed)
        let table = products
        var slot: Int
        if let existing = table.index.find(id) {
            slot = Int(existing)
            guard (sku ?? "") > (table.skus[slot] ?? "") else {
                box.log.reject(key: String(id), reason: .duplicate, raw: RawValues.render(row, source: .products))
                return
            }
            box.log.rejectKept(key: String(id), reason: .duplicate, raw: [.init("product_id", String(id)), .init("sku", table.skus[slot])])
        } else {
            slot = table.ids.count
            table.index.insert(id, Int32(slot))
            table.ids.append(id)
            table.skus.append(nil)
            table.category.append(-1)
            table.productLine.append(-1)
            table.launchedAt.append(.min)
            table.replenishable.append(false)
            table.negativePrice.append(false)
            table.kept.append(true)
        }
        table.skus[slot] = sku
        table.category[slot] = table.categories.code(TextNormalization.lowerTrimmed(try row.string(ProductColumn.category)))
        table.productLine[slot] = table.productLines.code(TextNormalization.lowerTrimmed(try row.string(ProductColumn.productLine)))
        table.launchedAt[slot] = try row.timestamp(ProductColumn.launchedAt)?.microsecondsSince2000 ?? .min
        table.replenishable[slot] = try row.int32(ProductColumn.replenishDays) != nil
        table.negativePrice[slot] = (listPrice?.value ?? 0) < 0
    }

    /// After all product rows: products with a negative list price are rejected.
    func finalizeProducts() {
        let table = products
        let box = log(.products)
        for slot in 0..<table.ids.count where table.negativePrice[slot] {
            table.kept[slot] = false
            box.log.reject(key: String(table.ids[slot]), reason: .negativeAmount, raw: [.init("product_id", String(table.ids[slot])), .init("sku", table.skus[slot])])
        }
    }

    /// A row of `FxRateColumn`s.
    func consumeRate(_ row: BinaryCopyRow) throws {
        let box = log(.fxRates)
        box.log.receive()
        // A blank currency is no key either (docs/reference-sql.md, decision 11).
        guard let day = try row.date(FxRateColumn.day), let code = try row.string(FxRateColumn.currency).map({ TextNormalization.uppercased(TextNormalization.trimmed($0)) }),
              !code.isEmpty else {
            box.log.reject(key: "", reason: .missingKey, raw: RawValues.render(row, source: .fxRates))
            return
        }
        // ±infinity is no day a rate can apply from.
        guard day.isFinite, let rate = try rateE8(row), rate > 0 else {
            box.log.reject(key: "\(day)/\(code)", reason: .invalidValue, raw: RawValues.render(row, source: .fxRates))
            return
        }
        fx.add(currency: code, day: day.daysSince1970, rateE8: rate)
    }

    /// numeric(18,8) as an integer count of 10^-8, without floating point.
    private func rateE8(_ row: BinaryCopyRow) throws -> Int64? {
        guard let numeric = try row.numeric(FxRateColumn.rateToBase), numeric.isFinite else { return nil }
        // Shift by 10^4 twice: scaled(to:) goes up to 4 decimals.
        let shifted = PostgresNumeric(digits: numeric.digits, weight: numeric.weight + 1, sign: numeric.sign, displayScale: numeric.displayScale)
        return shifted.scaled(to: 4)
    }

    /// After all rates: duplicates (day, currency) keep the greatest rate.
    func finalizeRates() {
        let box = log(.fxRates)
        for dropped in fx.seal() {
            box.log.reject(key: "\(PostgresDate(daysSince1970: dropped.day))/\(dropped.currency)", reason: .duplicate,
                           raw: [.init("day", PostgresDate(daysSince1970: dropped.day).description), .init("currency", dropped.currency),
                                 .init("rate_to_base", PostgresNumeric(scaled: dropped.rateE8, scale: 8).description)])
        }
    }
}
