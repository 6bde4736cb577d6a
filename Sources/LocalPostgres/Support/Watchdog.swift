import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A detached shell that cleans up a cluster when its owner dies without
/// stopping it (`kill -9`, a crash, a test runner killed on timeout).
///
/// It polls once a second while both the owner process and the cluster
/// directory exist. When the owner is gone it shuts the postmaster down
/// immediately (SIGQUIT, then SIGKILL) and removes the directory. When the
/// directory is gone (a normal `stop()`), it just exits.
enum Watchdog {
    /// The script; `$1` owner pid, `$2` directory to remove, `$3` data directory.
    ///
    /// Signals instead of `pg_ctl stop`: `pg_ctl` refuses to run as root, and the
    /// watchdog runs as whoever started the cluster.
    static let script = #"""
        owner="$1"; dir="$2"; data="$3"
        alive() {
          kill -0 "$1" 2>/dev/null || return 1
          # A dead process that has not been reaped yet is a zombie: treat it as gone.
          if [ -r "/proc/$1/stat" ]; then
            state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
            [ "$state" != "Z" ] || return 1
          fi
          return 0
        }
        while alive "$owner" && [ -d "$dir" ]; do sleep 1; done
        [ -d "$dir" ] || exit 0
        pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
        case "$pid" in
          ''|*[!0-9]*) ;;
          *)
            kill -QUIT "$pid" 2>/dev/null
            i=0
            while alive "$pid" && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            if alive "$pid"; then kill -KILL "$pid" 2>/dev/null; fi
            ;;
        esac
        rm -rf "$dir"
        """#

    /// Starts a watchdog for the cluster in `directory`, owned by process `ownerPID`.
    ///
    /// Best effort: a failure is logged, not thrown, because the cluster works
    /// without it (normal exits are covered by `stop()`, `deinit` and `atexit`).
    ///
    /// - Returns: whether the watchdog is running.
    @discardableResult
    static func launch(ownerPID: pid_t, directory: String, dataDirectory: String, logger: Logger) -> Bool {
        let shell = ["/bin/sh", "-c", script, "segflow-pg-watchdog", String(ownerPID), directory, dataDirectory]
        // `setsid --fork` puts the watchdog in its own session (a terminal's Ctrl-C or
        // hang-up does not reach it) and forks, so our direct child exits at once
        // and is reaped here instead of lingering as a zombie.
        let setsid = ["/usr/bin/setsid", "/bin/setsid"].first(where: FileManager.default.isExecutableFile(atPath:))
        let commandLine = setsid.map { [$0, "--fork"] + shell } ?? shell
        do {
            let child = try ChildProcess.spawn(
                commandLine,
                environment: CommandRunner.childEnvironment(),
                workingDirectory: "/",
                standardOutput: nil,
                standardError: nil
            )
            if setsid != nil {
                if child.wait(timeout: 5) != .exited(0) {
                    logger.warning("the cleanup watchdog did not detach as expected", metadata: ["directory": "\(directory)"])
                }
            } else {
                // The shell itself is the watchdog; reap it whenever it ends.
                Thread.detachNewThread { _ = child.waitForever() }
            }
            return true
        } catch {
            logger.warning("could not start the cleanup watchdog; a killed process may leave the cluster behind",
                           metadata: ["directory": "\(directory)", "error": "\(error)"])
            return false
        }
    }
}
