import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The live clusters of this process, stopped by an `atexit` hook.
///
/// Needed because `deinit` never runs for clusters held in globals or statics
/// (the test-support cluster), and a process exiting normally should not rely
/// on the watchdog's one-second poll.
final class ClusterRegistry: @unchecked Sendable {
    static let shared = ClusterRegistry()

    private struct WeakCluster {
        weak var cluster: LocalPostgresCluster?
    }

    private let lock = NSLock()
    private var clusters: [ObjectIdentifier: WeakCluster] = [:]
    private var hookInstalled = false

    func register(_ cluster: LocalPostgresCluster) {
        lock.withLock {
            if !hookInstalled {
                hookInstalled = true
                atexit { ClusterRegistry.shared.stopAll() }
            }
            clusters[ObjectIdentifier(cluster)] = WeakCluster(cluster: cluster)
        }
    }

    func unregister(_ id: ObjectIdentifier) {
        _ = lock.withLock { clusters.removeValue(forKey: id) }
    }

    /// Stops every registered cluster; outside the lock, since `stop()` unregisters.
    func stopAll() {
        let live = lock.withLock { () -> [LocalPostgresCluster] in
            let live = clusters.values.compactMap(\.cluster)
            clusters.removeAll()
            return live
        }
        for cluster in live {
            cluster.stop()
        }
    }
}
