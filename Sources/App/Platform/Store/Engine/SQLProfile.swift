import Foundation
import NIOConcurrencyHelpers

/// Time spent per SQL statement on our SQLite connections, kept only when `FINSYNC_PROFILE_SQL` is set (the benchmarks
/// print the top of it, to show where a request's database time goes). Off, it costs one branch per statement.
enum SQLProfile {
    static let enabled = ProcessInfo.processInfo.environment["FINSYNC_PROFILE_SQL"].map { !$0.isEmpty && $0 != "0" } ?? false
    private static let totals = NIOLockedValueBox<[String: (count: Int, nanoseconds: UInt64, reprepared: Int)]>([:])

    /// `reprepared`: how often SQLite had to compile the cached statement again (it had expired), which costs a parse.
    static func record(_ sql: String, since start: UInt64, reprepared: Int = 0) {
        let spent = DispatchTime.now().uptimeNanoseconds &- start
        totals.withLockedValue { t in
            let old = t[sql] ?? (0, 0, 0)
            t[sql] = (old.count + 1, old.nanoseconds &+ spent, old.reprepared + reprepared)
        }
    }

    /// The statements that took longest in all, with their counts, and the profile emptied.
    static func take(top: Int = 15) -> [String] {
        let all = totals.withLockedValue { t in defer { t = [:] }; return t }
        return all.sorted { $0.value.nanoseconds > $1.value.nanoseconds }.prefix(top).map { sql, v in
            let ms = Double(v.nanoseconds) / 1e6
            let text = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            let again = v.reprepared > 0 ? " (recompiled \(v.reprepared)×)" : ""
            return String(format: "%9.1f ms %7d× %7.3f ms  ", ms, v.count, ms / Double(max(v.count, 1))) + String(text.prefix(140)) + again
        }
    }
}
