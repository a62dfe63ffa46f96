import Foundation
import Ledger
import Plot

/// Escaping for everything a user typed. Plot's own `.text` leaves existing entities alone (so "&lt;" typed by a
/// user would show as "<") and it does not escape attribute values at all, so pages use these instead.
enum HTMLText {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

extension Node {
    /// Text shown exactly as given.
    static func t(_ s: String) -> Node { .raw(HTMLText.escape(s)) }
}

/// Attribute values built from data always pass through `esc`.
func esc(_ s: String) -> String { HTMLText.escape(s) }

/// How people in India read figures and dates; shared by pages, print and CSV so they never disagree.
enum Format {
    /// ₹1,23,45,678.00
    static func rupees(_ money: Money) -> String {
        money.paise < 0 ? "-₹" + Money(paise: -money.paise).indianGrouped : "₹" + money.indianGrouped
    }

    /// 25-11-2026
    static func date(_ d: CalendarDate) -> String {
        let s = d.description
        return String(s.suffix(2)) + "-" + String(s.dropFirst(5).prefix(2)) + "-" + String(s.prefix(4))
    }

    static let india = TimeZone(identifier: "Asia/Kolkata")!

    /// An audit timestamp (ISO-8601 UTC) as Indian Standard Time: 25-11-2026 07:45:12 IST.
    static func timestamp(_ iso: String) -> String {
        guard let date = try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) else { return iso }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = india
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(c.day))-\(two(c.month))-\(c.year ?? 0) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) IST"
    }
}

/// A body-level node. Pages are built from `el` so every attribute value is escaped on the way in.
typealias HTMLNode = Node<HTML.BodyContext>

/// `<name attr="value"…>children</name>`; a `nil` value makes a boolean attribute (`required`).
func el(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], _ children: [HTMLNode] = []) -> HTMLNode {
    .element(named: name, nodes: attributes.map(attribute) + children)
}

func el(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) -> HTMLNode {
    el(name, attributes, [.t(text)])
}

/// A void element such as `<input>` or `<meta>`.
func void(_ name: String, _ attributes: KeyValuePairs<String, String?>) -> HTMLNode {
    .selfClosedElement(named: name, attributes: attributes.map {
        Attribute(name: $0.key, value: $0.value.map(esc), ignoreIfValueIsEmpty: false)
    })
}

private func attribute(_ pair: (key: String, value: String?)) -> HTMLNode {
    guard let value = pair.value else { return .attribute(named: pair.key) }
    return .attribute(named: pair.key, value: esc(value), ignoreIfValueIsEmpty: false)
}
