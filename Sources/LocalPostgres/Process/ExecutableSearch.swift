import Foundation

/// Finds programs on `PATH`.
enum ExecutableSearch {
    /// The directories of `PATH`, in order.
    static func pathDirectories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
            .split(separator: ":")
            .map(String.init)
            .filter { !$0.isEmpty }
    }

    /// The first executable called `name` on `PATH`, or `nil`.
    static func inPath(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        for directory in pathDirectories(environment: environment) {
            let candidate = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
