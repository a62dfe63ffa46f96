import Foundation

/// Which addresses a request leaving the server may reach. Every outbound call (Tally sync now; payments, push and
/// webhooks later) is checked against it on the address actually connected to, so a name that resolves somewhere
/// forbidden, or re-resolves there later, gets nowhere.
///
/// Always refused: loopback, link-local (which holds the cloud metadata service), known metadata addresses,
/// multicast, broadcast, reserved and unspecified. Private ranges only when the operator allows them (Tally usually
/// sits on the customer's LAN, so an on-premises install allows them; a shared cloud server does not). Exact
/// `host:port` pairs the operator names are allowed whatever their range: that is how on-box fakes are reached.
struct OutboundPolicy: Sendable, Equatable {
    var allowPrivate = false
    /// Lower-cased `host:port` (IPv6 in brackets) as named in `FINSYNC_OUTBOUND_ALLOW`.
    var allowed: Set<String> = []

    enum Range: String, Sendable, Equatable {
        case publicAddress = "public"
        case privateAddress = "private"
        case loopback, linkLocal = "link-local", metadata = "cloud metadata", multicast, unspecified, reserved
    }

    struct Refusal: Error, Equatable, CustomStringConvertible {
        var host: String
        var range: Range
        var description: String {
            range == .privateAddress
                ? "\(host) is a private network address, which this server may reach only when FINSYNC_OUTBOUND_ALLOW_PRIVATE=1"
                : "\(host) is a \(range.rawValue) address, which outbound requests may never reach"
        }
    }

    struct NotAPair: Error { var item: String }

    /// Parses `FINSYNC_OUTBOUND_ALLOW` (`host:port,host:port`); the failure names the first entry that is not a pair.
    static func parseAllowList(_ raw: String) -> Result<Set<String>, NotAPair> {
        var out: Set<String> = []
        for item in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !item.isEmpty {
            guard let colon = item.lastIndex(of: ":"), let port = Int(item[item.index(after: colon)...]), (1...65535).contains(port),
                  colon != item.startIndex
            else { return .failure(NotAPair(item: item)) }
            out.insert(item)
        }
        return .success(out)
    }

    static func key(host: String, port: Int) -> String {
        let h = host.lowercased()
        return (h.contains(":") && !h.hasPrefix("[") ? "[\(h)]" : h) + ":\(port)"
    }

    /// May a connection to `address` (a numeric IP) for a URL naming `host:port` go ahead?
    func check(host: String, port: Int, address: String) throws(Refusal) {
        if allowed.contains(Self.key(host: host, port: port)) || allowed.contains(Self.key(host: address, port: port)) { return }
        guard let range = Self.classify(address) else { throw Refusal(host: host, range: .reserved) }
        switch range {
        case .publicAddress: return
        case .privateAddress where allowPrivate: return
        default: throw Refusal(host: host, range: range)
        }
    }

    /// The range of a numeric IPv4 or IPv6 address; nil when it is not one.
    static func classify(_ address: String) -> Range? {
        var v4 = in_addr(), v6 = in6_addr()
        let bare = address.hasPrefix("[") && address.hasSuffix("]") ? String(address.dropFirst().dropLast()) : address
        if inet_pton(AF_INET, bare, &v4) == 1 {
            return classify(v4: withUnsafeBytes(of: v4) { Array($0) })
        }
        guard inet_pton(AF_INET6, bare.split(separator: "%").first.map(String.init) ?? bare, &v6) == 1 else { return nil }
        return classify(v6: withUnsafeBytes(of: v6) { Array($0) })
    }

    static func classify(v4 b: [UInt8]) -> Range {
        switch (b[0], b[1]) {
        case (0, _): return .unspecified
        case (127, _): return .loopback
        case (169, 254): return b[2] == 169 && b[3] == 254 ? .metadata : .linkLocal
        case (100, 100) where b[2] == 100 && b[3] == 200: return .metadata  // Alibaba Cloud's metadata service
        case (10, _), (192, 168): return .privateAddress
        case (172, 16...31): return .privateAddress
        case (100, 64...127): return .privateAddress  // carrier-grade NAT (RFC 6598): someone's internal network
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return .publicAddress
        }
    }

    static func classify(v6 b: [UInt8]) -> Range {
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b.dropLast().allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        // IPv4 inside IPv6 (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96) is judged as IPv4.
        if b[0..<10].allSatisfy({ $0 == 0 }) && ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0)) { return classify(v4: Array(b[12...])) }
        if b[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return classify(v4: Array(b[12...])) }
        if b[0] == 0xFF { return .multicast }
        if b[0] == 0xFE && (b[1] & 0xC0) == 0x80 { return .linkLocal }
        if b[0] == 0xFD && b[1] == 0x00 && b[2] == 0x0E && b[3] == 0xC2 && b[4..<14].allSatisfy({ $0 == 0 }) && b[14] == 0x02 && b[15] == 0x54 {
            return .metadata  // AWS's IPv6 metadata service, fd00:ec2::254
        }
        if (b[0] & 0xFE) == 0xFC { return .privateAddress }
        if b[0] == 0xFE && (b[1] & 0xC0) == 0xC0 { return .reserved }  // deprecated site-local
        return .publicAddress
    }
}
