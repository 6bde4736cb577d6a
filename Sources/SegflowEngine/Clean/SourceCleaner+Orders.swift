import PostgresClient

extension SourceCleaner {
    /// A row of `OrderColumn`s.
    func consumeOrder(_ row: BinaryCopyRow) throws {
        let box = log(.orders)
        box.log.receive()
        guard let id = try row.int64(OrderColumn.orderID) else {
            box.log.reject(key: "", reason: .missingKey, raw: RawValues.render(row, source: .orders))
            return
        }
        let placed = try row.timestamp(OrderColumn.placedAt)
        let subtotalField = try row.scaledNumeric(OrderColumn.subtotal, scale: 2), discountField = try row.scaledNumeric(OrderColumn.discountTotal, scale: 2)
        let shipping = try row.scaledNumeric(OrderColumn.shippingTotal, scale: 2), tax = try row.scaledNumeric(OrderColumn.taxTotal, scale: 2)
        let totalField = try row.scaledNumeric(OrderColumn.total, scale: 2)
        guard let placed, let subtotalField, let discountField, let totalField else {
            box.log.reject(key: String(id), reason: .missingValue, raw: RawValues.render(row, source: .orders))
            return
        }
        // -infinity places no order in time; NaN, ±Infinity or more than Int64 cents is no amount.
        guard placed.isFinite, let subtotal = subtotalField.value, let discount = discountField.value, let total = totalField.value,
              shipping != .unrepresentable, tax != .unrepresentable else {
            box.log.reject(key: String(id), reason: .invalidValue, raw: RawValues.render(row, source: .orders))
            return
        }
        let placedAt = placed.microsecondsSince2000
        let updatedAt = Self.orderingTime(try row.timestamp(OrderColumn.updatedAt))
        let status = try orderStatuses.value(row, OrderColumn.status.position) { TextNormalization.lowerTrimmed($0) ?? "" }
        let table = orders
        let slot: Int
        if let existing = table.index.find(id) {
            let old = Int(existing)
            // Latest updated_at wins; ties: the greater status text, then the greater total.
            guard (updatedAt, status, total) > (table.updatedAt[old], table.statusText[old], table.totalCents[old]) else {
                box.log.reject(key: String(id), reason: .duplicate, raw: RawValues.render(row, source: .orders))
                return
            }
            box.log.rejectKept(key: String(id), reason: .duplicate, raw: rawOrder(old))
            slot = old
        } else {
            slot = table.count
            table.index.insert(id, Int32(slot))
            table.append(id: id)
        }
        table.customerID[slot] = try row.int64(OrderColumn.customerID)
        table.sessionID[slot] = try row.int64(OrderColumn.sessionID) ?? 0
        table.placedAt[slot] = placedAt
        table.updatedAt[slot] = updatedAt
        table.statusText[slot] = status
        table.currency[slot] = try orderCurrencies.value(row, OrderColumn.currency.position) { TextNormalization.uppercased(TextNormalization.trimmed($0 ?? "")) }
        table.subtotalCents[slot] = subtotal
        table.discountCents[slot] = discount
        table.shippingCents[slot] = shipping?.value ?? 0
        table.taxCents[slot] = tax?.value ?? 0
        table.totalCents[slot] = total
        table.hasCoupon[slot] = !row.isNull(OrderColumn.couponCode)
    }

    private func rawOrder(_ slot: Int) -> [QuarantineRecord.RawValue] {
        let table = orders
        func money(_ cents: Int64) -> String { PostgresNumeric(scaled: cents, scale: 2).description }
        return [
            .init("order_id", String(table.ids[slot])), .init("customer_id", table.customerID[slot].map(String.init)),
            .init("placed_at", PostgresTimestamp(microsecondsSince2000: table.placedAt[slot]).description),
            .init("status", table.statusText[slot]), .init("currency", table.currency[slot]),
            .init("subtotal", money(table.subtotalCents[slot])), .init("discount_total", money(table.discountCents[slot])),
            .init("shipping_total", money(table.shippingCents[slot])), .init("tax_total", money(table.taxCents[slot])),
            .init("total", money(table.totalCents[slot])),
        ]
    }

    /// After all order rows (customers and rates finalised): validate the survivors of
    /// deduplication and convert their amounts to the base currency.
    func finalizeOrders() {
        let table = orders
        let box = log(.orders)
        for slot in 0..<table.count {
            let reason: QuarantineReason?
            let customerID = table.customerID[slot]
            // A NULL customer_id matches no customer, not even one whose id is 0.
            let customerRow = customerID.flatMap(customers.row(of:))
            let day = calendar.localDay(table.placedAt[slot])
            let rate = fx.rateE8(currency: table.currency[slot], day: day)
            if table.placedAt[slot] > runStartedAt {
                reason = .futureTimestamp
            } else if customerRow == nil {
                reason = .orphanCustomer
            } else if !rules.validStatuses.contains(table.statusText[slot]) {
                reason = .invalidStatus
            } else if rate == nil {
                reason = .unknownCurrency
            } else if table.subtotalCents[slot] < 0 || table.discountCents[slot] < 0 || table.shippingCents[slot] < 0
                        || table.taxCents[slot] < 0 || table.totalCents[slot] < 0 {
                reason = .negativeAmount
            } else if FxTable.convert(cents: table.subtotalCents[slot], rateE8: rate ?? 0) > rules.maxOrderTotalCents
                        // A discount beyond the largest order is as absurd, and its net revenue could
                        // reach no published total (numeric(14,2)).
                        || FxTable.convert(cents: table.discountCents[slot], rateE8: rate ?? 0) > rules.maxOrderTotalCents {
                reason = .absurdAmount
            } else {
                reason = nil
            }
            if let reason {
                table.kept[slot] = false
                box.log.reject(key: String(table.ids[slot]), reason: reason, raw: rawOrder(slot))
                continue
            }
            let rateE8 = rate ?? 0
            table.customer[slot] = customerRow ?? 0
            table.localDay[slot] = day
            table.rateE8[slot] = rateE8
            table.status[slot] = OrderTable.Status(table.statusText[slot])
            let netCents = table.subtotalCents[slot].saturatingSubtracting(table.discountCents[slot])
            table.netCents[slot] = FxTable.convert(cents: netCents, rateE8: rateE8)
        }
        table.groupByCustomer(customerCount: customers.count)
        table.releaseCleaningColumns()
    }
}

extension OrderTable {
    /// Reserves room for about `rows` orders in every column.
    func reserve(_ rows: Int) {
        index = Int64Index(capacity: rows)
        ids.reserveCapacity(rows); customer.reserveCapacity(rows); placedAt.reserveCapacity(rows)
        updatedAt.reserveCapacity(rows); localDay.reserveCapacity(rows); status.reserveCapacity(rows)
        statusText.reserveCapacity(rows); totalCents.reserveCapacity(rows); sessionID.reserveCapacity(rows)
        netCents.reserveCapacity(rows); subtotalCents.reserveCapacity(rows); discountCents.reserveCapacity(rows)
        rateE8.reserveCapacity(rows); hasCoupon.reserveCapacity(rows); attributedSession.reserveCapacity(rows)
        attributedSessionStart.reserveCapacity(rows); explicitSessionConfirmed.reserveCapacity(rows)
        customerID.reserveCapacity(rows); currency.reserveCapacity(rows); shippingCents.reserveCapacity(rows)
        taxCents.reserveCapacity(rows); kept.reserveCapacity(rows)
    }

    /// Frees every column once the last snapshot's features are built.
    func releaseAll() {
        releaseCleaningColumns()
        index = Int64Index(capacity: 1)
        ids = []; customer = []; placedAt = []; localDay = []; status = []; sessionID = []; netCents = []
        subtotalCents = []; discountCents = []; rateE8 = []; hasCoupon = []; attributedSession = []
        attributedSessionStart = []; explicitSessionConfirmed = []; customerID = []; kept = []
        groupByCustomer(customerCount: 0)
    }

    /// Frees the columns only deduplication and validation read (about a third of the table).
    func releaseCleaningColumns() {
        updatedAt = []
        statusText = []
        currency = []
        shippingCents = []
        taxCents = []
        totalCents = []
        customerID = []
    }

    /// Frees what only cleaning and the joins read (ids, the id index, raw session ids,
    /// rates, attribution bookkeeping) once every source is joined: the features read the rest.
    func releaseJoinColumns() {
        index = Int64Index(capacity: 1)
        ids = []; customer = []; sessionID = []; rateE8 = []; explicitSessionConfirmed = []; kept = []
    }

    /// Appends an empty row for a new order id.
    func append(id: Int64) {
        ids.append(id)
        customer.append(0)
        placedAt.append(0)
        updatedAt.append(0)
        localDay.append(0)
        status.append(.other)
        statusText.append("")
        totalCents.append(0)
        sessionID.append(0)
        netCents.append(0)
        subtotalCents.append(0)
        discountCents.append(0)
        rateE8.append(0)
        hasCoupon.append(false)
        attributedSession.append(0)
        attributedSessionStart.append(.min)
        explicitSessionConfirmed.append(false)
        customerID.append(nil)
        currency.append("")
        shippingCents.append(0)
        taxCents.append(0)
        kept.append(true)
    }
}
