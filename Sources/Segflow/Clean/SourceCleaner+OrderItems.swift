import PostgresClient

extension SourceCleaner {
    /// Columns: order_id, line_no, product_id, quantity, unit_price, list_price, discount.
    func consumeItem(_ row: BinaryCopyRow) throws {
        let box = log(.orderItems)
        // Lines of orders placed at or after the cut-off are not part of the snapshot.
        if let orderID = try row.int64(0), ordersAfterCutoff.contains(orderID), orders.index.find(orderID) == nil { return }
        box.log.receive()
        guard let orderID = try row.int64(0), let lineNo = try row.int32(1) else {
            box.log.reject(key: "", reason: "missing_key", raw: RawValues.render(row, source: .orderItems))
            return
        }
        guard let quantity = try row.int32(3), let unit = try row.numericScaled(4, scale: 2) else {
            box.log.reject(key: "\(orderID)/\(lineNo)", reason: "missing_value", raw: RawValues.render(row, source: .orderItems))
            return
        }
        let table = items
        let key = ItemTable.key(order: orderID, line: lineNo)
        if !table.seenKeys.insert(key) { table.duplicateKeys.insert(key) }
        table.orderID.append(orderID)
        table.lineNo.append(lineNo)
        table.productID.append(try row.int64(2) ?? 0)
        table.quantity.append(quantity)
        table.unitPriceCents.append(unit)
        table.listPriceCents.append(try row.numericScaled(5, scale: 2) ?? 0)
        table.discountCents.append(try row.numericScaled(6, scale: 2) ?? 0)
        table.order.append(-1)
        table.product.append(-1)
        table.netCents.append(0)
        table.kept.append(true)
    }

    private func rawItem(_ index: Int) -> [QuarantineRecord.RawValue] {
        let table = items
        func money(_ cents: Int64) -> String { PostgresNumeric(scaled: cents, scale: 2).description }
        return [
            .init("order_id", String(table.orderID[index])), .init("line_no", String(table.lineNo[index])),
            .init("product_id", String(table.productID[index])), .init("quantity", String(table.quantity[index])),
            .init("unit_price", money(table.unitPriceCents[index])), .init("list_price", money(table.listPriceCents[index])),
            .init("discount", money(table.discountCents[index])),
        ]
    }

    /// After all lines (orders and products finalised): duplicates keep the greatest
    /// product_id; survivors are validated, converted and grouped by order.
    func finalizeItems() {
        let table = items
        let box = log(.orderItems)
        if table.duplicateKeys.count > 0 {
            var candidates = (0..<table.count).filter {
                table.duplicateKeys.contains(ItemTable.key(order: table.orderID[$0], line: table.lineNo[$0]))
            }
            candidates.sort {
                (table.orderID[$0], table.lineNo[$0], -table.productID[$0], $0) < (table.orderID[$1], table.lineNo[$1], -table.productID[$1], $1)
            }
            var previous: (Int64, Int32)?
            for index in candidates {
                let key = (table.orderID[index], table.lineNo[index])
                if let previous, previous == key {
                    table.kept[index] = false
                    box.log.reject(key: "\(key.0)/\(key.1)", reason: "duplicate", raw: rawItem(index))
                }
                previous = key
            }
        }
        table.seenKeys = Int64Set()
        for index in 0..<table.count where table.kept[index] {
            let reason: String?
            let orderRow = orders.row(of: table.orderID[index])
            let productRow = products.row(of: table.productID[index])
            if orderRow == nil {
                reason = "orphan_order"
            } else if productRow == nil {
                reason = "orphan_product"
            } else if table.quantity[index] <= 0 || table.unitPriceCents[index] < 0 || table.listPriceCents[index] < 0 || table.discountCents[index] < 0 {
                reason = "negative_amount"
            } else {
                reason = nil
            }
            guard let orderRow, let productRow, reason == nil else {
                table.kept[index] = false
                box.log.reject(key: "\(table.orderID[index])/\(table.lineNo[index])", reason: reason ?? "invalid_value", raw: rawItem(index))
                continue
            }
            table.order[index] = orderRow
            table.product[index] = productRow
            let lineCents = Int64(table.quantity[index]) * table.unitPriceCents[index] - table.discountCents[index]
            table.netCents[index] = FxTable.convert(cents: lineCents, rateE8: orders.rateE8[Int(orderRow)])
        }
        table.groupByOrder(orderCount: orders.count)
        table.releaseCleaningColumns()
    }
}

extension ItemTable {
    /// Reserves room for about `rows` lines in every column.
    func reserve(_ rows: Int) {
        orderID.reserveCapacity(rows); lineNo.reserveCapacity(rows); productID.reserveCapacity(rows)
        quantity.reserveCapacity(rows); unitPriceCents.reserveCapacity(rows); listPriceCents.reserveCapacity(rows)
        discountCents.reserveCapacity(rows); order.reserveCapacity(rows); product.reserveCapacity(rows)
        netCents.reserveCapacity(rows); kept.reserveCapacity(rows)
        seenKeys = Int64Set(capacity: rows)
    }

    /// Frees every column once the last snapshot's features are built.
    func releaseAll() {
        releaseCleaningColumns()
        quantity = []; discountCents = []; netCents = []; product = []
        groupByOrder(orderCount: 0)
    }

    /// Frees the columns only deduplication, validation and grouping read (more than half
    /// of the table): the features read lines through `lines(of:)`.
    func releaseCleaningColumns() {
        orderID = []
        lineNo = []
        productID = []
        unitPriceCents = []
        listPriceCents = []
        order = []
        kept = []
    }
}
