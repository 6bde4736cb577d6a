import ArgumentParser
import Foundation

extension SegflowCommand {
    /// ArgumentParser's entry point, with usage errors (bad flags, failed `validate()`)
    /// exiting 2 as documented instead of ArgumentParser's 64 (EX_USAGE).
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
