import PostgresClient

extension SourceCleaner {
    /// A row of `ChatColumn`s.
    func consumeChat(_ row: BinaryCopyRow) throws {
        let box = log(.chats)
        box.log.receive()
        guard let id = try row.int64(ChatColumn.chatID) else {
            box.log.reject(key: "", reason: .missingKey, raw: RawValues.render(row, source: .chats))
            return
        }
        guard let started = try row.timestamp(ChatColumn.startedAt) else {
            box.log.reject(key: String(id), reason: .missingValue, raw: RawValues.render(row, source: .chats))
            return
        }
        // -infinity places no chat in time (infinity is after every cut-off, never read).
        guard started.isFinite else {
            box.log.reject(key: String(id), reason: .invalidValue, raw: RawValues.render(row, source: .chats))
            return
        }
        let startedAt = started.microsecondsSince2000
        let endedAt = try row.timestamp(ChatColumn.endedAt)?.microsecondsSince2000 ?? startedAt
        let table = chats
        let slot: Int
        if let existing = table.index.find(id) {
            let old = Int(existing)
            guard endedAt > table.endedAt[old] else {
                box.log.reject(key: String(id), reason: .duplicate, raw: RawValues.render(row, source: .chats))
                return
            }
            box.log.rejectKept(key: String(id), reason: .duplicate, raw: [.init("chat_id", String(id)),
                .init("ended_at", PostgresTimestamp(microsecondsSince2000: table.endedAt[old]).description)])
            slot = old
        } else {
            slot = table.count
            table.index.insert(id, Int32(slot))
            table.ids.append(id)
            table.customerID.append(nil)
            table.visitorKey.append(0)
            table.startedAt.append(0)
            table.endedAt.append(0)
            table.customerMessages.append(0)
            table.questions.append(0)
            table.sentiment.append(0)
            table.sentimentIsNull.append(true)
            table.csat.append(-1)
            table.escalated.append(false)
            table.agentMessages.append(0)
            table.kept.append(true)
        }
        table.customerID[slot] = try row.int64(ChatColumn.customerID)
        table.visitorKey[slot] = (row.withBytes(ChatColumn.visitorID) { StableHash.visitorKey($0) } ?? nil) ?? 0
        table.startedAt[slot] = startedAt
        table.endedAt[slot] = endedAt
        table.customerMessages[slot] = try row.int32(ChatColumn.customerMessages) ?? 0
        table.questions[slot] = try row.int32(ChatColumn.questions) ?? 0
        let sentiment = try row.double(ChatColumn.sentiment)
        table.sentiment[slot] = sentiment ?? 0
        table.sentimentIsNull[slot] = sentiment == nil
        table.csat[slot] = try row.int32(ChatColumn.csat) ?? -1
        table.escalated[slot] = try row.bool(ChatColumn.escalated) ?? false
        table.agentMessages[slot] = try row.int32(ChatColumn.agentMessages) ?? 0
    }

    /// After all chats (customers and stitching known): validate and aggregate per snapshot.
    func finalizeChats(windows: [SnapshotWindow]) -> ChatActivity {
        let table = chats
        let box = log(.chats)
        let activity = ChatActivity(customers: customers.count, snapshots: windows.count)
        for slot in 0..<table.count {
            let customerID = table.customerID[slot]
            let sentiment = table.sentiment[slot]
            let hasSentiment = !table.sentimentIsNull[slot]
            let csat = table.csat[slot]
            let reason: QuarantineReason?
            if table.startedAt[slot] > runStartedAt {
                reason = .futureTimestamp
            } else if let customerID, customers.row(of: customerID) == nil {
                reason = .orphanCustomer
            } else if (hasSentiment && !(sentiment >= -1 && sentiment <= 1)) || (csat != -1 && (csat < 1 || csat > 5))
                        || table.customerMessages[slot] < 0 || table.agentMessages[slot] < 0 || table.questions[slot] < 0 {
                reason = .invalidValue
            } else {
                reason = nil
            }
            if let reason {
                table.kept[slot] = false
                box.log.reject(key: String(table.ids[slot]), reason: reason, raw: [
                    .init("chat_id", String(table.ids[slot])), .init("customer_id", customerID.map(String.init)),
                    .init("started_at", PostgresTimestamp(microsecondsSince2000: table.startedAt[slot]).description),
                    .init("sentiment", hasSentiment ? String(sentiment) : nil), .init("csat", csat == -1 ? nil : String(csat)),
                ])
                continue
            }
            let customer: Int32
            var knownSince = Int64.min
            if let customerID, let row = customers.row(of: customerID) {
                customer = row
            } else if table.visitorKey[slot] != 0, let stitched = stitching.customer(of: table.visitorKey[slot]) {
                customer = stitched.row
                knownSince = stitched.since
            } else {
                continue
            }
            let localDay = calendar.localDay(table.startedAt[slot])
            for (snapshot, window) in windows.enumerated() where table.startedAt[slot] < window.cutoff && knownSince < window.cutoff {
                let index = activity.slot(snapshot: snapshot, customer: customer)
                activity.chats[index] += 1
                if window.isRecent(localDay, days: 90) { activity.chats90[index] += 1 }
                activity.messages[index] += Int64(table.customerMessages[slot])
                activity.questions[index] += Int64(table.questions[slot])
                if hasSentiment {
                    activity.sentimentSum[index] += sentiment
                    activity.sentimentCount[index] += 1
                }
                if csat != -1 {
                    activity.csatSum[index] += csat
                    activity.csatCount[index] += 1
                    activity.minCsat[index] = min(activity.minCsat[index], csat)
                }
                if table.escalated[slot] { activity.escalations[index] += 1 }
            }
        }
        return activity
    }
}
