import Foundation
import Ledger

/// One description of a JSON shape that serves twice: it validates request bodies (collecting every bad field,
/// not just the first) and it is what `/openapi.json` publishes. The two can therefore never disagree.
indirect enum Schema: Sendable {
    case string(StringRule = .init())
    case integer(minimum: Int64? = nil, maximum: Int64? = nil)
    case boolean
    case array(Schema)
    case object([Property])
    case nullable(Schema)
    case ref(String, Schema)
    /// Any JSON value (audit snapshots hold whatever the entity looked like).
    case any

    struct StringRule: Sendable {
        var minLength = 0
        var maxLength = Schema.maxText
        var format: String? = nil
        var pattern: String? = nil
        var allowed: [String]? = nil
        var description: String? = nil
    }

    struct Property: Sendable {
        var name: String
        var schema: Schema
        var required: Bool
    }

    /// Free text may be long (a narration, an address) but not unbounded.
    static let maxText = 10_000

    static func text(min: Int = 1, max: Int = maxText) -> Schema { .string(.init(minLength: min, maxLength: max)) }
    static let date = Schema.string(.init(minLength: 10, maxLength: 10, format: "date"))
    static let dateTime = Schema.string(.init(format: "date-time"))
    static let uuid = Schema.string(.init(minLength: 36, maxLength: 36, format: "uuid"))
    static let email = Schema.string(.init(minLength: 3, maxLength: 254, format: "email"))
    static func oneOf<E: RawRepresentable & CaseIterable>(_: E.Type) -> Schema where E.RawValue == String {
        .string(.init(minLength: 1, maxLength: 100, allowed: E.allCases.map(\.rawValue)))
    }
}

extension Schema.Property {
    static func required(_ name: String, _ schema: Schema) -> Self { .init(name: name, schema: schema, required: true) }
    static func optional(_ name: String, _ schema: Schema) -> Self { .init(name: name, schema: schema, required: false) }
}

// MARK: - Validation

extension Schema {
    func validate(_ value: JSONValue, at path: String, into errors: inout [APIError.FieldError]) {
        func fail(_ message: String) { errors.append(.init(field: path.isEmpty ? "body" : path, message: message)) }
        switch self {
        case .ref(_, let inner):
            inner.validate(value, at: path, into: &errors)
        case .nullable(let inner):
            if value != .null { inner.validate(value, at: path, into: &errors) }
        case .string(let rule):
            guard case .string(let s) = value else { return fail("must be a string, got \(value.typeName)") }
            let count = s.count
            if count < rule.minLength {
                fail(rule.minLength == 1 ? "must not be empty" : "must be at least \(rule.minLength) characters")
            } else if count > rule.maxLength {
                fail("must be at most \(rule.maxLength) characters, got \(count)")
            } else if s.unicodeScalars.contains(where: Self.isRefusedControl) {
                // A NUL ends the text in SQLite's C strings (what was stored would not be what was sent), and the
                // other control characters are never meant in a name, a number or a narration.
                fail("must not contain control characters (other than tab and line breaks)")
            } else if let allowed = rule.allowed, !allowed.contains(s) {
                fail("must be one of \(allowed.joined(separator: ", ")); got '\(s.prefix(50))'")
            } else if let format = rule.format, let problem = Self.formatProblem(format, s) {
                fail(problem)
            }
        case .integer(let minimum, let maximum):
            guard case .int(let i) = value else { return fail("must be a whole number, got \(value.typeName)") }
            if let minimum, i < minimum { fail("must be at least \(minimum)") }
            if let maximum, i > maximum { fail("must be at most \(maximum)") }
        case .boolean:
            guard case .bool = value else { return fail("must be true or false, got \(value.typeName)") }
        case .any:
            return
        case .array(let element):
            guard case .array(let items) = value else { return fail("must be an array, got \(value.typeName)") }
            for (i, item) in items.enumerated() { element.validate(item, at: "\(path)[\(i)]", into: &errors) }
        case .object(let properties):
            guard case .object(let object) = value else {
                return fail("must be an object, got \(value.typeName)")
            }
            let prefix = path.isEmpty ? "" : path + "."
            for property in properties {
                if let v = object[property.name] {
                    property.schema.validate(v, at: prefix + property.name, into: &errors)
                } else if property.required {
                    errors.append(.init(field: prefix + property.name, message: "is required"))
                }
            }
            let known = Set(properties.map(\.name))
            for key in object.keys.sorted() where !known.contains(key) {
                errors.append(.init(field: prefix + key, message: "is not a known field"))
            }
        }
    }

    static func isRefusedControl(_ c: Unicode.Scalar) -> Bool {
        c.properties.generalCategory == .control && c != "\t" && c != "\n" && c != "\r"
    }

    static func formatProblem(_ format: String, _ s: String) -> String? {
        switch format {
        case "date":
            return CalendarDate(s) == nil ? "must be " + CalendarDate.acceptedDescription : nil
        case "uuid":
            return UUID(uuidString: s) == nil ? "must be a UUID" : nil
        case "email":
            let parts = s.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
                !parts[1].hasSuffix("."), !s.contains(where: { $0.isWhitespace })
            else { return "must be an email address like name@example.com" }
            return nil
        default:
            return nil
        }
    }
}
