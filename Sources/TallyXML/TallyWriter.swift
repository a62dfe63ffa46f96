/// Every object kind we read and write, decoded from its node by tag. Tags we do not model (TDS rates, tax units,
/// company trailers) come back as `.other` and are counted, not failed.
public enum TallyObject: Hashable, Sendable {
    case group(TallyGroup), ledger(TallyLedger), stockItem(TallyStockItem), unit(TallyUnit), master(TallySimpleMaster), voucher(TallyVoucher)
    case other(String)

    public static func decode(_ node: TallyNode) throws(TallyFieldError) -> TallyObject {
        switch node.name {
        case "GROUP": return .group(try TallyGroup(node: node))
        case "LEDGER": return .ledger(try TallyLedger(node: node))
        case "STOCKITEM": return .stockItem(try TallyStockItem(node: node))
        case "UNIT": return .unit(try TallyUnit(node: node))
        case "VOUCHER": return .voucher(try TallyVoucher(node: node))
        case let tag where TallySimpleMaster.tags[tag] != nil: return .master(try TallySimpleMaster(node: node))
        default: return .other(node.name)
        }
    }

    public var node: TallyNode? {
        switch self {
        case let .group(g): g.node
        case let .ledger(l): l.node
        case let .stockItem(s): s.node
        case let .unit(u): u.node
        case let .master(m): m.node
        case let .voucher(v): v.node
        case .other: nil
        }
    }
}

/// Writes import envelopes Tally accepts (reference §3.1, legacy `Import Data` form, which Tally's own file
/// exports also use): names escaped, reserved values written back with `&#4;`, every object in its own
/// `TALLYMESSAGE`. Output is UTF-8 text with no declaration; `utf16LE` gives the bytes with a BOM.
public enum TallyWriter {
    public enum Report: String, Sendable { case allMasters = "All Masters", vouchers = "Vouchers" }

    public static func header(_ report: Report, company: String?) -> String {
        var s = "<ENVELOPE>\r\n <HEADER>\r\n  <TALLYREQUEST>Import Data</TALLYREQUEST>\r\n </HEADER>\r\n <BODY>\r\n  <IMPORTDATA>\r\n   <REQUESTDESC>\r\n"
        s += "    <REPORTNAME>\(report.rawValue)</REPORTNAME>\r\n"
        if let company { s += "    <STATICVARIABLES>\r\n     <SVCURRENTCOMPANY>\(escape(company))</SVCURRENTCOMPANY>\r\n    </STATICVARIABLES>\r\n" }
        return s + "   </REQUESTDESC>\r\n   <REQUESTDATA>\r\n"
    }

    public static let footer = "   </REQUESTDATA>\r\n  </IMPORTDATA>\r\n </BODY>\r\n</ENVELOPE>\r\n"

    /// One object wrapped in its `TALLYMESSAGE`.
    public static func message(_ node: TallyNode) -> String {
        var s = "    <TALLYMESSAGE xmlns:UDF=\"TallyUDF\">\r\n"
        write(node, depth: 3, into: &s)
        return s + "    </TALLYMESSAGE>\r\n"
    }

    /// A whole envelope in memory (requests to Tally's server, tests); exports stream header, messages, footer.
    public static func envelope(_ report: Report, company: String?, objects: [TallyNode]) -> String {
        header(report, company: company) + objects.map(message).joined() + footer
    }

    private static let pads = (0..<64).map { String(repeating: " ", count: $0 + 2) }

    public static func write(_ node: TallyNode, depth: Int, into s: inout String) {
        let pad = depth < pads.count ? pads[depth] : String(repeating: " ", count: depth + 2)
        s += pad; s += "<"; s += node.name
        for (k, v) in node.attributes { s += " "; s += k; s += "=\""; s += escape(v, attribute: true); s += "\"" }
        if node.children.isEmpty {
            if node.text.isEmpty { s += "/>\r\n" } else { s += ">"; s += escape(node.text); s += "</"; s += node.name; s += ">\r\n" }
            return
        }
        s += ">\r\n"
        for c in node.children { write(c, depth: depth + 1, into: &s) }
        s += pad; s += "</"; s += node.name; s += ">\r\n"
    }

    /// XML escaping, and `␄` back to Tally's `&#4;`. Most values need none and are returned as they are.
    public static func escape(_ text: String, attribute: Bool = false) -> String {
        // `␄` is E2 90 84 in UTF-8: its first byte is the only one of these above ASCII.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0xE2 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'": out += "&apos;"
            case "\u{2404}": out += "&#4;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// UTF-16LE with a BOM, as Tally's own exports and its HTTP server prefer.
    public static func utf16LE(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xFE]
        out.reserveCapacity(2 + text.utf16.count * 2)
        for u in text.utf16 { out.append(UInt8(u & 0xFF)); out.append(UInt8(u >> 8)) }
        return out
    }
}

/// Tally's answer to an import (reference §3.3). A LINEERROR means failure whatever the counters say.
public struct TallyImportResponse: Hashable, Sendable {
    public var created = 0, altered = 0, deleted = 0, combined = 0, ignored = 0, errors = 0, cancelled = 0, exceptions = 0
    public var lastVoucherID: Int64?
    public var lastMasterID: Int64?
    public var lineErrors: [String] = []

    public var succeeded: Bool { lineErrors.isEmpty && errors == 0 && exceptions == 0 }

    public init(_ summary: TallyReadSummary) {
        func n(_ tag: String) -> Int { summary.envelope[tag].flatMap { Int($0.trimmingWhitespace) } ?? 0 }
        created = n("CREATED"); altered = n("ALTERED"); deleted = n("DELETED"); combined = n("COMBINED")
        ignored = n("IGNORED"); errors = n("ERRORS"); cancelled = n("CANCELLED"); exceptions = n("EXCEPTIONS")
        lastVoucherID = summary.envelope["LASTVCHID"].flatMap { Int64($0.trimmingWhitespace) }
        lastMasterID = summary.envelope["LASTMID"].flatMap { Int64($0.trimmingWhitespace) }
        lineErrors = summary.lineErrors
        if let e = summary.envelope["EXCEPTION"] { lineErrors.append(e) }
    }

    public static func parse(_ bytes: [UInt8]) throws -> TallyImportResponse {
        TallyImportResponse(try TallyReader.read(TallyBytes(bytes)) { _ in })
    }
}
