import Ledger

/// A value read back from the database that is not what we wrote: a fault of the store, never of the request, so it
/// is answered as a 500 (and tracked) rather than trapping the process for every company.
struct CorruptStoredValue: Error, CustomStringConvertible {
    var what: String
    var value: String
    var description: String { "stored \(what) '\(value)' cannot be read" }
}

extension CalendarDate {
    /// A date column as we write it (`YYYY-MM-DD`); throws instead of trapping when a row holds anything else.
    init(stored text: String) throws {
        guard let date = CalendarDate(text) else { throw CorruptStoredValue(what: "date", value: text) }
        self = date
    }
}
