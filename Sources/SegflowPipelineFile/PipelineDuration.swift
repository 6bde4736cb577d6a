/// A duration written as a number and a unit: `90s`, `90m`, `36h`, `2d`, `1w`.
public struct PipelineDuration: Sendable, Hashable, CustomStringConvertible {
    public var seconds: Int
    /// As written, for messages and the canonical rendering.
    public var text: String

    public init?(_ text: String) {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount >= 0,
              text.dropLast().allSatisfy(\.isASCII)
        else { return nil }
        let scale: Int
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        seconds = product
        self.text = text
    }

    public var description: String { text }
}
