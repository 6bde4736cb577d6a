import Segflow
import FuzzDriver

/// libFuzzer entry: any bytes as a pipeline file; reading may report issues but must never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipelineFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let configuration = try PipelineConfiguration.parse(yaml: text, file: "fuzz.yml")
        _ = configuration.configHash
    } catch {
        _ = error.issues.map(\.description)
    }
    return 0
}

/// The entry point SwiftPM links as `main` (it renames an executable's `main` to
/// `<module>_main`): hands over to libFuzzer with the input callback above.
@_cdecl("fuzz_pipeline_file_main")
public func fuzzPipelineFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        guard let data else { return 0 }
        return fuzzPipelineFile(data, size)
    }
}
