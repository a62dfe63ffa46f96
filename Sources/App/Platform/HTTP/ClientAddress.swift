import Foundation

/// An address range as `FINSYNC_TRUSTED_PROXIES` names it: `10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`.
struct AddressBlock: Sendable, Equatable {
    var bytes: [UInt8]
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = ClientAddress.bytes(first) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let length, (0...bytes.count * 8).contains(length) else { return nil }
        self.bytes = bytes
        prefix = length
    }

    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == bytes.count else { return false }
        var left = prefix
        for (a, b) in zip(address, bytes) where left > 0 {
            let bits = min(8, left)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            left -= bits
        }
        return true
    }

    static let loopback = [AddressBlock("127.0.0.0/8"), AddressBlock("::1")].compactMap { $0 }
}

enum ClientAddress {
    /// Walks from the peer leftwards past trusted proxies; the first untrusted hop is the client. A hop that is not an
    /// address at all (garbage a client wrote) stops the walk at the trusted hop to its right.
    static func resolve(hops: [String], peer: String, trusted: [AddressBlock]) -> String {
        var chain = hops.map(clean) + [peer]
        var right = peer
        while let hop = chain.popLast() {
            guard let bytes = bytes(hop) else { return right }
            if !trusted.contains(where: { $0.contains(bytes) }) { return hop }
            right = hop
        }
        return right
    }

    /// `[::1]:443`, `"1.2.3.4:80"` and `_hidden` as `Forwarded` may write them, reduced to the bare address.
    static func clean(_ raw: String) -> String {
        var s = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        if s.hasPrefix("["), let end = s.firstIndex(of: "]") { return String(s[s.index(after: s.startIndex)..<end]) }
        if s.filter({ $0 == ":" }).count == 1, let colon = s.firstIndex(of: ":") { s = String(s[..<colon]) }
        return s
    }

    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let b = withUnsafeBytes(of: v6) { Array($0) }
            // An IPv4-mapped address is that IPv4 address.
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return Array(b[12...]) }
            return b
        }
        return nil
    }
}
