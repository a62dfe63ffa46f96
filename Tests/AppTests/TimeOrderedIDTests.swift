@testable import App
import Foundation
import Testing

@Suite struct TimeOrderedIDTests {
    @Test func ids_sort_in_the_order_they_were_made_and_are_version_7() {
        let ids = (0..<10_000).map { _ in UUID.timeOrdered() }
        #expect(Set(ids).count == ids.count)
        // As stored (upper-case text), in the order made: the index appends.
        #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
        #expect(ids.allSatisfy { $0.uuid.6 >> 4 == 7 && $0.uuid.8 >> 6 == 0b10 })
        let ms = UInt64(Date().timeIntervalSince1970 * 1_000)
        let first = ids[0].uuid
        let stamp = [first.0, first.1, first.2, first.3, first.4, first.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(stamp <= ms + 5 && ms - stamp < 60_000, "the first 48 bits are the time in milliseconds")
    }
}
