/// A validated GST identification number (gst.md §A1).
public struct GSTIN: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case normal, governmentDepartment, nonResident, oidar, uin, tds, tcs
    }

    public enum ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
        case length(Int)
        case format
        case unknownStateCode(String)
        case checkCharacter(expected: Character, found: Character)

        public var description: String {
            switch self {
            case .length(let n): "must be 15 characters, got \(n)"
            case .format: "is not in a GSTIN format (2-digit state code, PAN, entity number, Z, check character)"
            case .unknownStateCode(let c): "starts with \(c), which is not a GST state code"
            case .checkCharacter(let expected, let found):
                "has check character \(found) but the checksum gives \(expected); look for a mistyped character"
            }
        }
    }

    public let value: String
    public let kind: Kind

    public var stateCode: String { String(value.prefix(2)) }
    /// The holder's PAN (characters 3–12) for PAN-based kinds.
    public var pan: String { String(value.dropFirst(2).prefix(10)) }
    public var description: String { value }

    /// Documented identifiers that look like GSTINs but carry no valid check character: e-way bill transporter
    /// IDs (state code 88) and the e-invoice sandbox's test GSTINs (gst.md §A1.2). Accepting them is explicit.
    public static func unchecked(_ raw: String) throws(ValidationError) -> GSTIN {
        let s = raw.trimmingWhitespace().uppercased()
        guard s.count == 15 else { throw .length(s.count) }
        let c = Array(s)
        guard c[0].isASCIIDigit, c[1].isASCIIDigit, c[2...6].allSatisfy(\.isASCIIUpper), c[7...10].allSatisfy(\.isASCIIDigit),
            c[11].isASCIIUpper, c[12...14].allSatisfy({ $0.isASCIIDigit || $0.isASCIIUpper })
        else { throw .format }
        return GSTIN(value: s, kind: .normal)
    }

    private init(value: String, kind: Kind) {
        self.value = value
        self.kind = kind
    }

    /// Validates in the order gst.md §A1.3 recommends: trim and uppercase, length, format, state, check character.
    public init(_ raw: String) throws(ValidationError) {
        let s = raw.trimmingWhitespace().uppercased()
        guard s.count == 15 else { throw .length(s.count) }
        let chars = Array(s)
        guard let kind = Self.classify(chars) else { throw .format }
        let state = String(chars[0...1])
        // UIN and OIDAR numbers carry a country/agency code, not a state, in their first digits.
        if kind != .uin, kind != .oidar, kind != .nonResident, StateCode(state) == nil {
            throw .unknownStateCode(state)
        }
        guard let expected = Self.checkCharacter(for: chars[0..<14]) else { throw .format }
        guard chars[14] == expected else { throw .checkCharacter(expected: expected, found: chars[14]) }
        self.value = s
        self.kind = kind
    }

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// Luhn mod 36 over the first 14 characters (gst.md §A1.3).
    public static func checkCharacter(for first14: ArraySlice<Character>) -> Character? {
        guard first14.count == 14 else { return nil }
        var total = 0
        for (i, ch) in first14.enumerated() {
            guard let value = alphabet.firstIndex(of: ch) else { return nil }
            let product = value * (i % 2 == 0 ? 1 : 2)
            total += product / 36 + product % 36
        }
        return alphabet[(36 - total % 36) % 36]
    }

    /// Order matters: TDS before TCS before normal (a TDS GSTIN can also match the normal pattern).
    static func classify(_ c: [Character]) -> Kind? {
        if matches(c, "DDLLLLXDDDDL@"), c[13] == "D", isAlnum(c[14]) { return .tds }
        if matches(c, "DDLLLLLDDDDL"), isEntity(c[12]), c[13] == "C", isAlnum(c[14]) { return .tcs }
        if matches(c, "DDLLLLLDDDDL"), isEntity(c[12]), "Z123456789ABDEFGHIJ".contains(c[13]),
            isAlnum(c[14]), String(c[7...10]) != "0000"
        {
            return .normal
        }
        if matches(c, "DDLLLLDDDDDLD"), c[13] == "Z", c[14].isASCIIDigit { return .governmentDepartment }
        if matches(c, "DDDDLLLDDDDD"), "UO".contains(c[12]), c[13] == "N", isAlnum(c[14]) { return .uin }
        if c[0] == "9", c[1] == "9", matches(c, "DDDDLLLDDDDD"), c[12] == "O", c[13] == "S",
            isAlnum(c[14])
        {
            return .oidar
        }
        if matches(c, "DDDDLLLDDDDD"), c[12] == "N", c[13] == "R", isAlnum(c[14]) { return .nonResident }
        return nil
    }

    /// Pattern letters: D digit, L letter, X letter or digit, @ entity number (1-9, A-Z).
    private static func matches(_ c: [Character], _ pattern: String) -> Bool {
        for (i, p) in pattern.enumerated() {
            let ch = c[i]
            switch p {
            case "D": guard ch.isASCIIDigit else { return false }
            case "L": guard ch.isASCIIUpper else { return false }
            case "X": guard isAlnum(ch) else { return false }
            case "@": guard isEntity(ch) else { return false }
            default: return false
            }
        }
        return true
    }

    private static func isEntity(_ ch: Character) -> Bool { ch != "0" && isAlnum(ch) }
    private static func isAlnum(_ ch: Character) -> Bool { ch.isASCIIDigit || ch.isASCIIUpper }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIIUpper: Bool { isASCII && isUppercase }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
