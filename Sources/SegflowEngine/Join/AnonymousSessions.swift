/// Anonymous sessions held until the visitor stitching is complete (a sixth of all
/// sessions), in what the join reads, stored in fixed-size chunks: growing never copies,
/// and memory stays close to what the sessions need (an Array doubles and copies).
struct AnonymousSessions {
    /// What `SessionJoin.add` reads of an anonymous session (48 bytes instead of 64).
    private struct Held {
        var id: Int64
        var visitorKey: Int64
        var startedAt: Int64
        var cartProductID: Int64
        var channel: Int32
        var productViews: Int32
        var cartAdds: Int32
    }

    private static let chunkSize = 1 << 16
    private var chunks: [[Held]] = []

    var count: Int { chunks.reduce(0) { $0 + $1.count } }

    mutating func append(_ session: SessionJoin.Session) {
        if chunks.last.map({ $0.count == Self.chunkSize }) ?? true {
            var chunk: [Held] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(Held(
            id: session.id, visitorKey: session.visitorKey, startedAt: session.startedAt, cartProductID: session.cartProductID,
            channel: session.channel, productViews: session.productViews, cartAdds: session.cartAdds))
    }

    /// Hands every session to `body` in arrival order, freeing each chunk once it is done.
    mutating func drain(_ body: (SessionJoin.Session) -> Void) {
        for index in chunks.indices {
            for held in chunks[index] {
                body(SessionJoin.Session(
                    id: held.id, visitorKey: held.visitorKey, customerID: nil, startedAt: held.startedAt, endedAt: held.startedAt,
                    channel: held.channel, productViews: held.productViews, cartAdds: held.cartAdds, cartProductID: held.cartProductID))
            }
            chunks[index] = []
        }
        chunks = []
    }
}
