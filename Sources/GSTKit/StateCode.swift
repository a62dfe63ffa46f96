import Foundation
/// An Indian State / Union Territory code as used in GSTINs and place of supply (gst.md §A1.5).
public struct StateCode: Hashable, Sendable, CustomStringConvertible {
    /// Two digits, e.g. `"27"`.
    public let code: String

    public var name: String { Self.names[code] ?? code }
    public var description: String { code }

    /// `nil` unless `code` is a known GST state or territory code.
    public init?(_ code: String) {
        guard Self.names[code] != nil else { return nil }
        self.code = code
    }

    /// By name as Tally and people write it: case, spaces and "&"/"and" do not matter ("Dadra & Nagar Haveli and
    /// Daman & Diu", "TAMIL NADU"); a few old names map to today's state.
    public init?(named name: String) {
        func key(_ s: String) -> String {
            s.lowercased().replacingOccurrences(of: "&", with: "and").filter { $0.isLetter }
        }
        let wanted = key(name)
        let aliases = ["orissa": "21", "pondicherry": "34", "uttaranchal": "05", "newdelhi": "07", "nctofdelhi": "07"]
        if let code = aliases[wanted] { self.code = code; return }
        guard let code = Self.names.first(where: { key($0.value) == wanted })?.key else { return nil }
        self.code = code
    }

    /// Codes a registered business can be located in. `96` (other countries) and `99` (centre jurisdiction)
    /// are places of supply or administrative codes, never a taxpayer's home state.
    public static let registrable: Set<String> = Set(names.keys).subtracting(["96", "99"])

    /// UTs without legislature levy UTGST instead of SGST.
    public var isUnionTerritoryWithoutLegislature: Bool { ["04", "26", "31", "35", "38", "97"].contains(code) }

    static let names: [String: String] = [
        "01": "Jammu and Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh",
        "05": "Uttarakhand", "06": "Haryana", "07": "Delhi", "08": "Rajasthan", "09": "Uttar Pradesh",
        "10": "Bihar", "11": "Sikkim", "12": "Arunachal Pradesh", "13": "Nagaland", "14": "Manipur",
        "15": "Mizoram", "16": "Tripura", "17": "Meghalaya", "18": "Assam", "19": "West Bengal",
        "20": "Jharkhand", "21": "Odisha", "22": "Chhattisgarh", "23": "Madhya Pradesh", "24": "Gujarat",
        "26": "Dadra and Nagar Haveli and Daman and Diu", "27": "Maharashtra", "28": "Andhra Pradesh (Old)",
        "29": "Karnataka", "30": "Goa", "31": "Lakshadweep", "32": "Kerala", "33": "Tamil Nadu",
        "34": "Puducherry", "35": "Andaman and Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh",
        "38": "Ladakh", "97": "Other Territory", "96": "Other Countries", "99": "Centre Jurisdiction",
    ]
}

/// India Post's PIN code: six ASCII digits, the first never 0 (no postal zone 0).
public enum PINCode {
    public static func isValid(_ pin: String) -> Bool {
        pin.utf8.count == 6 && pin.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } && pin.first != "0"
    }
}
