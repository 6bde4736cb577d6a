import PostgresClient

extension SourceCleaner {
    /// A row of `OrderItemColumn`s.
    func consumeItem(_ row: BinaryCopyRow) throws {
        let box = log(.orderItems)
        // Lines of orders placed at or after the cut-off are not part of the snapshot.
        if let orderID = try row.int64(OrderItemColumn.orderID), ordersAfterCutoff.contains(orderID), orders.index.find(orderID) == nil { return }
        box.log.receive()
        guard let orderID = try row.int64(OrderItemColumn.orderID), let lineNo = try row.int32(OrderItemColumn.lineNo) else {
            box.log.reject(key: "", reason: .missingKey, raw: RawValues.render(row, source: .orderItems))
            return
        }
        let unitField = try row.scaledNumeric(OrderItemColumn.unitPrice, scale: 2)
        guard let quantity = try row.int32(OrderItemColumn.quantity), let unitField else {
            box.log.reject(key: "\(orderID)/\(lineNo)", reason: .missingValue, raw: RawValues.render(row, source: .orderItems))
            return
        }
        // NaN, ±Infinity or more than Int64 cents is no amount.
        let listPrice = try row.scaledNumeric(OrderItemColumn.listPrice, scale: 2), discount = try row.scaledNumeric(OrderItemColumn.discount, scale: 2)
        guard let unit = unitField.value, listPrice != .unrepresentable, discount != .unrepresentable else {
            box.log.reject(key: "\(orderID)/\(lineNo)", reason: .invalidValue, raw: RawValues.render(row, source: .orderItems))
            return
        }
        let table = items
        let key = ItemTable.key(order: orderID, line: lineNo)
        if !table.seenKeys.insert(key) { table.duplicateKeys.insert(key) }
        // A NULL product_id references no product (not even one whose id is 0); Int64.min
        // stands for it, the lowest, as NULL sorts last among duplicates.
        let productID = try row.int64(OrderItemColumn.productID)
        table.order.append(table.reference(orderID, row: orders.index.find(orderID)))
        table.lineNo.append(lineNo)
        table.product.append(table.reference(productID ?? .min, row: productID.flatMap { products.index.find($0) }))
        table.quantity.append(quantity)
        table.unitPriceCents.append(unit)
        table.listPriceCents.append(listPrice?.value ?? 0)
        table.discountCents.append(discount?.value ?? 0)
        table.netCents.append(0)
        table.kept.append(true)
    }

    private func rawItem(_ index: Int) -> [QuarantineRecord.RawValue] {
        let table = items
        func money(_ cents: Int64) -> String { PostgresNumeric(scaled: cents, scale: 2).description }
        return [
            .init("order_id", String(itemOrderID(index))), .init("line_no", String(table.lineNo[index])),
            .init("product_id", String(itemProductID(index))), .init("quantity", String(table.quantity[index])),
            .init("unit_price", money(table.unitPriceCents[index])), .init("list_price", money(table.listPriceCents[index])),
            .init("discount", money(table.discountCents[index])),
        ]
    }

    @inline(__always)
    private func itemOrderID(_ index: Int) -> Int64 { items.id(items.order[index], ids: orders.ids) }
    @inline(__always)
    private func itemProductID(_ index: Int) -> Int64 { items.id(items.product[index], ids: products.ids) }

    /// After all lines (orders and products finalised): duplicates keep the greatest
    /// product_id; survivors are validated, converted and grouped by order.
    func finalizeItems() {
        let table = items
        let box = log(.orderItems)
        if table.duplicateKeys.count > 0 {
            var candidates = (0..<table.count).filter {
                table.duplicateKeys.contains(ItemTable.key(order: itemOrderID($0), line: table.lineNo[$0]))
            }
            // Greatest product_id first, by swapping sides (not by negating: Int64.min has no negation).
            candidates.sort {
                (itemOrderID($0), table.lineNo[$0], itemProductID($1), $0) < (itemOrderID($1), table.lineNo[$1], itemProductID($0), $1)
            }
            var previous: (Int64, Int32)?
            for index in candidates {
                let key = (itemOrderID(index), table.lineNo[index])
                if let previous, previous == key {
                    table.kept[index] = false
                    box.log.reject(key: "\(key.0)/\(key.1)", reason: .duplicate, raw: rawItem(index))
                }
                previous = key
            }
        }
        table.seenKeys = Int64Set()
        for index in 0..<table.count where table.kept[index] {
            let reason: QuarantineReason?
            // What `orders.row(of:)` and `products.row(of:)` would say of the ids.
            let orderReference = table.order[index], productReference = table.product[index]
            let orderRow = orderReference >= 0 && orders.kept[Int(orderReference)] ? orderReference : nil
            let productRow = productReference >= 0 && products.kept[Int(productReference)] ? productReference : nil
            if orderRow == nil {
                reason = .orphanOrder
            } else if productRow == nil {
                reason = .orphanProduct
            } else if table.quantity[index] <= 0 || table.unitPriceCents[index] < 0 || table.listPriceCents[index] < 0 || table.discountCents[index] < 0 {
                reason = .negativeAmount
            } else {
                reason = nil
            }
            guard let orderRow, productRow != nil, reason == nil else {
                table.kept[index] = false
                box.log.reject(key: "\(itemOrderID(index))/\(table.lineNo[index])", reason: reason ?? .invalidValue, raw: rawItem(index))
                continue
            }
            // Int128: 2147483647 × 9999999999.99 does not fit Int64; the line saturates instead.
            let lineCents = Int64(clamping: Int128(table.quantity[index]) * Int128(table.unitPriceCents[index]) - Int128(table.discountCents[index]))
            table.netCents[index] = FxTable.convert(cents: lineCents, rateE8: orders.rateE8[Int(orderRow)])
        }
        table.groupByOrder(orderCount: orders.count)
        table.releaseCleaningColumns()
    }
}

extension ItemTable {
    /// Reserves room for about `rows` lines in every column.
    func reserve(_ rows: Int) {
        lineNo.reserveCapacity(rows)
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
        lineNo = []
        unknownIDs = []
        unitPriceCents = []
        listPriceCents = []
        order = []
        kept = []
    }
}
