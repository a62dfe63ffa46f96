import Foundation
import Ledger
import Plot

/// Escaping for everything a user typed. Plot's own `.text` leaves existing entities alone (so "&lt;" typed by a
/// user would show as "<") and it does not escape attribute values at all, so pages use these instead.
enum HTMLText {
    static func escape(_ s: String) -> String {
        // Most text needs no escaping; skip the copy for it.
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
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
        money.paise < 0 ? "-₹" + Money(paise: 0 &- money.paise).indianGrouped : "₹" + money.indianGrouped
    }

    /// 25-11-2026
    static func date(_ d: CalendarDate) -> String {
        let s = d.description
        return String(s.suffix(2)) + "-" + String(s.dropFirst(5).prefix(2)) + "-" + String(s.prefix(4))
    }

    /// A DTO's `YYYY-MM-DD` text as 25-11-2026; anything else is shown as it is rather than stopping the page.
    static func date(text: String) -> String { CalendarDate(text).map(date) ?? text }

    static let india = TimeZone(identifier: "Asia/Kolkata")!

    /// Today's date in India, which is what "today" means for the books.
    static func today(_ now: Date = Date()) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = india
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDate(year: c.year ?? 2026, month: c.month ?? 1, day: c.day ?? 1) ?? .earliest
    }

    /// An audit timestamp (ISO-8601 UTC, `2026-11-25T02:00:00.000Z`) as Indian Standard Time:
    /// `25-11-2026 07:30:00 IST`. IST is a fixed UTC+05:30 with no daylight saving, so plain arithmetic is exact
    /// and much cheaper than a Calendar per row of a long audit page.
    static func timestamp(_ iso: String) -> String {
        let u = Array(iso.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= u.count else { return nil }
            var n = 0
            for b in u[from..<(from + count)] {
                guard (0x30...0x39).contains(b) else { return nil }
                n = n * 10 + Int(b - 0x30)
            }
            return n
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
            let sec = num(17, 2), var date = CalendarDate(year: y, month: mo, day: d)
        else { return iso }
        var minutes = h * 60 + mi + 330
        if minutes >= 1440 {
            minutes -= 1440
            date = date.nextDay
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(Format.date(date)) \(two(minutes / 60)):\(two(minutes % 60)):\(two(sec)) IST"
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
