import Foundation
import Testing

/// Compares page markup with the reviewed copy in `__Snapshots__/`. A missing snapshot (or `SNAPSHOT_RECORD=1`)
/// is written and the test fails, so new markup is always looked at before it is committed.
func assertSnapshot(_ html: String, named name: String, filePath: String = #filePath, sourceLocation: SourceLocation = #_sourceLocation) {
    let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = dir.appendingPathComponent(name + ".html")
    // One tag per line keeps review diffs readable.
    let text = html.replacingOccurrences(of: "><", with: ">\n<") + "\n"
    let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
    guard !record, let existing = try? String(contentsOf: file, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? text.write(to: file, atomically: true, encoding: .utf8)
        Issue.record("recorded snapshot \(name).html; review it and run again", sourceLocation: sourceLocation)
        return
    }
    if existing != text {
        let a = existing.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(a, b)).firstIndex { $0.0 != $0.1 } ?? min(a.count, b.count)
        let expected = line < a.count ? String(a[line]) : "<end>"
        let actual = line < b.count ? String(b[line]) : "<end>"
        Issue.record("snapshot \(name).html differs at line \(line + 1):\n  expected: \(expected)\n  actual:   \(actual)",
                     sourceLocation: sourceLocation)
    }
}
