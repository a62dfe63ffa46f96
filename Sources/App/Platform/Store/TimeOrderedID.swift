import Foundation

extension UUID {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var lastMillisecond: UInt64 = 0
    nonisolated(unsafe) private static var counter: UInt16 = 0

    /// A version 7 UUID (RFC 9562): 48 bits of Unix time in milliseconds, a 12-bit counter within the millisecond,
    /// then random bits. Rows written one after another get keys that sort one after another, so bulk posting
    /// appends to the end of each primary-key index instead of touching a random page of it for every row —
    /// which is what made writes slow down as the books grew.
    static func timeOrdered() -> UUID {
        let now = UInt64(Date().timeIntervalSince1970 * 1_000)
        let (ms, count): (UInt64, UInt16) = lock.withLock {
            if now > lastMillisecond {
                lastMillisecond = now
                counter = 0
            } else if counter < 0xFFF {
                counter += 1
            } else {
                lastMillisecond += 1  // more than 4,096 in one millisecond: borrow the next one
                counter = 0
            }
            return (lastMillisecond, counter)
        }
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        return UUID(uuid: (UInt8(truncatingIfNeeded: ms >> 40), UInt8(truncatingIfNeeded: ms >> 32), UInt8(truncatingIfNeeded: ms >> 24),
                           UInt8(truncatingIfNeeded: ms >> 16), UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms),
                           0x70 | UInt8(count >> 8), UInt8(truncatingIfNeeded: count),
                           0x80 | UInt8(truncatingIfNeeded: tail >> 58), UInt8(truncatingIfNeeded: tail >> 48), UInt8(truncatingIfNeeded: tail >> 40),
                           UInt8(truncatingIfNeeded: tail >> 32), UInt8(truncatingIfNeeded: tail >> 24), UInt8(truncatingIfNeeded: tail >> 16),
                           UInt8(truncatingIfNeeded: tail >> 8), UInt8(truncatingIfNeeded: tail)))
    }
}
