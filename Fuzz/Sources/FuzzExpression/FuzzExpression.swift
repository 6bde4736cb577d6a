import Segflow
import FuzzDriver

/// libFuzzer entry: any bytes as rule text; lexing, parsing and checking may reject it
/// with an error but must never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let rule = try? RuleExpression(text) {
        _ = rule.description
        _ = rule.isCatchAll
        _ = rule.populationStatistics
        _ = rule.features
    }
    return 0
}

/// The entry point SwiftPM links as `main` (it renames an executable's `main` to
/// `<module>_main`): hands over to libFuzzer with the input callback above.
@_cdecl("fuzz_expression_main")
public func fuzzExpressionMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        return fuzzExpression(data, size)
    }
}
