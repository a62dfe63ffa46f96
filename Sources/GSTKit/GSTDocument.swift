import Foundation
import Ledger

/// A return period, `YYYY-MM` in our API and `MMYYYY` (`fp`, `ret_period`) in the portal's JSON: a month, or for a
/// registration under QRMP (Rule 61A) a quarter, named by its last month as the portal names it.
public struct ReturnPeriod: Hashable, Sendable, CustomStringConvertible {
    /// The period's last month: the one the portal names.
    public let year: Int
    public let month: Int
    /// 1 for a month, 3 for a quarter.
    public let months: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), let y = Int(parts[0]), let m = Int(parts[1]),
            (2017...2199).contains(y), (1...12).contains(m)
        else { return nil }
        year = y
        month = m
        months = 1
    }

    private init(year: Int, month: Int, months: Int) {
        self.year = year
        self.month = month
        self.months = months
    }

    /// Quarters end in June, September, December and March.
    public var endsQuarter: Bool { month % 3 == 0 }

    /// The quarter this month ends, or nil when it ends none.
    public var quarter: ReturnPeriod? { endsQuarter ? ReturnPeriod(year: year, month: month, months: 3) : nil }

    /// The months of a period, first to last.
    public var monthsInPeriod: [ReturnPeriod] {
        (0..<months).reversed().map { back in
            let index = year * 12 + (month - 1) - back
            return ReturnPeriod(year: index / 12, month: index % 12 + 1, months: 1)
        }
    }

    public var first: CalendarDate {
        let index = year * 12 + (month - 1) - (months - 1)
        return CalendarDate(year: index / 12, month: index % 12 + 1, day: 1) ?? .earliest
    }
    public var last: CalendarDate { (CalendarDate(year: year, month: month, day: 1) ?? .earliest).monthEnd }
    /// `YYYY-MM` of the last month.
    public var description: String { (CalendarDate(year: year, month: month, day: 1) ?? .earliest).monthKey }
    public var portal: String { String(description.suffix(2)) + String(year) }
    public func contains(_ date: CalendarDate) -> Bool { first <= date && date <= last }
    /// HSN rows are split into B2B and B2C tabs for periods from May 2025 (gst.md §A3.2).
    public var splitsHSN: Bool { year > 2025 || (year == 2025 && month >= 5) }
}

/// An invoice or note as the returns see it: everything already decided and settled in paise, so every
/// section only adds up these figures and the sections agree with each other and with the books.
public struct GSTDocument: Sendable {
    public enum Kind: String, Sendable {
        case invoice, creditNote = "credit-note", debitNote = "debit-note"
        /// A receipt voucher for an advance on services (Rule 50) and its later adjustment against the invoice:
        /// GSTR-1 tables 11A (`at`) and 11B (`txpd`). Goods advances carry no GST (Notification 66/2017-CT).
        case advanceReceipt = "advance-receipt", advanceAdjustment = "advance-adjustment"
        /// A refund voucher (Rule 51): an advance paid back with no supply made; its tax is taken back as an adjustment's is.
        case advanceRefund = "advance-refund"

        public var isAdvance: Bool { self == .advanceReceipt || self == .advanceAdjustment || self == .advanceRefund }
    }
    public enum Direction: String, Sendable { case outward, inward }

    public struct Line: Sendable {
        public var hsn: String
        public var description: String
        /// UQC code; `NA` for services.
        public var uqc: String
        public var quantity: Quantity?
        public var tax: LineTax
        /// Price per unit and discount, in paise (the e-invoice shows them).
        public var unitPrice: Int64
        public var discount: Int64
        /// Specific cess per unit in paise (the e-way bill's `cessNonAdvol` rate).
        public var cessPerUnit: Int64 = 0

        public init(hsn: String, description: String, uqc: String, quantity: Quantity?, tax: LineTax, unitPrice: Int64 = 0, discount: Int64 = 0) {
            self.hsn = hsn
            self.description = description
            self.uqc = uqc
            self.quantity = quantity
            self.tax = tax
            self.unitPrice = unitPrice
            self.discount = discount
        }
    }

    /// The invoice a note adjusts: its number and date, and how it was reported.
    public struct Original: Sendable {
        public var number: String
        public var date: CalendarDate
        public var wasB2CL: Bool
        public init(number: String, date: CalendarDate, wasB2CL: Bool) {
            self.number = number
            self.date = date
            self.wasB2CL = wasB2CL
        }
    }

    public var id: String
    public var direction: Direction
    public var kind: Kind
    /// Numbering series (for Table 13), e.g. the voucher type and year.
    public var series: String
    public var number: String
    public var date: CalendarDate
    public var partyName: String
    public var partyGSTIN: String?
    public var partyRegistration: Registration
    /// Where the supplier is: our registration's state for outward documents, the supplier's for inward ones.
    public var supplierState: String
    public var placeOfSupply: String
    public var supplyType: SupplyType
    public var reverseCharge: Bool
    /// Invoice value as billed (after round-off).
    public var value: Int64
    public var cancelled: Bool
    public var original: Original?
    public var lines: [Line]
    /// Where the goods go when that is not the buyer's address (bill-to ship-to): e-invoice `ShipDtls`, and the
    /// e-way bill's destination. The place of supply stays the buyer's (IGST Act s.10(1)(b)).
    public var shipTo: TradeParty?
    /// Where the goods leave from when that is not our registered address (bill-from dispatch-from): e-invoice
    /// `DispDtls`, and the e-way bill's origin (transaction type 3, or 4 with a ship-to).
    public var dispatchFrom: TradeParty?
    /// Inward reverse-charge supplies from unregistered suppliers: the self-invoice we issued (s.31(3)(f)), reported in
    /// Table 13 as nature 2.
    public var selfInvoiceNumber: String?
    /// Supplied through an e-commerce operator: GSTR-1 `etin` and Table 14, GSTR-3B 3.1.1.
    public var ecommerce: ECommerce?
    /// The e-commerce operator pays this document's tax (s.9(5)): it is reported only in Table 14(b) and 3B 3.1.1(ii).
    public var operatorPays: Bool { ecommerce?.section == .operatorPays }
    /// An export's shipping bill (GSTR-1 `exp` `sbnum`/`sbdt`/`sbpcode`, e-invoice `ExpDtls`): the refund route.
    public var shippingBill: ShippingBill?

    public struct ShippingBill: Sendable, Equatable {
        public var number: String
        public var date: CalendarDate
        /// The 6-character port code, e.g. `INNSA1` (Nhava Sheva).
        public var portCode: String
        public init(number: String, date: CalendarDate, portCode: String) {
            self.number = number
            self.date = date
            self.portCode = portCode
        }

        /// What is wrong with a shipping bill's number and port code, by field, as GSTR-1 checks them.
        public static func problems(number: String, portCode: String) -> [(field: String, message: String)] {
            var out: [(String, String)] = []
            if !(3...7).contains(number.count) || !number.allSatisfy({ $0.isASCII && $0.isNumber }) {
                out.append(("number", "a shipping bill number has 3 to 7 digits"))
            }
            if portCode.count != 6 || !portCode.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) {
                out.append(("port", "a port code has 6 capital letters or digits, e.g. INNSA1"))
            }
            return out
        }
    }

    public init(id: String, direction: Direction = .outward, kind: Kind = .invoice, series: String, number: String, date: CalendarDate,
                partyName: String, partyGSTIN: String?, partyRegistration: Registration, supplierState: String, placeOfSupply: String,
                supplyType: SupplyType = .regular,
                reverseCharge: Bool = false, value: Int64, cancelled: Bool = false, original: Original? = nil, lines: [Line]) {
        self.id = id
        self.direction = direction
        self.kind = kind
        self.series = series
        self.number = number
        self.date = date
        self.partyName = partyName
        self.partyGSTIN = partyGSTIN
        self.partyRegistration = partyRegistration
        self.supplierState = supplierState
        self.placeOfSupply = placeOfSupply
        self.supplyType = supplyType
        self.reverseCharge = reverseCharge
        self.value = value
        self.cancelled = cancelled
        self.original = original
        self.lines = lines
    }

    /// Lines that carry a taxable (or zero-rated) supply, as opposed to nil, exempt and non-GST ones.
    public var taxableLines: [Line] { lines.filter { !$0.tax.treatment.isNilExemptOrNonGST } }
    /// Exports and SEZ supplies are inter-state whatever the states.
    public var isInterState: Bool { supplyType.alwaysIGST || placeOfSupply != supplierState }
    /// Credit notes, advance adjustments and refunds take tax back.
    public var sign: Int64 { kind == .creditNote || kind == .advanceAdjustment || kind == .advanceRefund ? -1 : 1 }

    /// B2C large: inter-state, unregistered, value strictly above ₹2.5 lakh up to 31-Jul-2024 and ₹1 lakh after.
    public var isB2CL: Bool {
        !kind.isAdvance && !partyRegistration.isRegistered && !supplyType.isZeroRated && placeOfSupply != "96" && isInterState
            && value > GSTR1.b2clThreshold(on: date)
    }

    /// Checks that every figure of these documents, added up by magnitude, fits an `Int64`. Each section of a
    /// return adds up a subset of these figures with signs, so no partial sum can be larger than this total:
    /// after this check the builders' plain additions cannot overflow, and before it nothing is built.
    public static func checkSummable(_ documents: [GSTDocument]) throws(AmountOverflow) {
        var money: Int64 = 0, quantity: Int64 = 0
        for d in documents {
            money = try Checked.add(money, Int64(clamping: d.value.magnitude))
            for l in d.lines {
                // One call per figure rather than a loop over an array of them: this runs for every line of a month.
                func add(_ figure: Int64) throws(AmountOverflow) { money = try Checked.add(money, Int64(clamping: figure.magnitude)) }
                try add(l.tax.taxable); try add(l.tax.igst); try add(l.tax.cgst); try add(l.tax.sgst)
                try add(l.tax.cess); try add(l.tax.cessNonAdvol); try add(l.unitPrice); try add(l.discount)
                quantity = try Checked.add(quantity, Int64(clamping: (l.quantity?.thousandths ?? 0).magnitude))
            }
        }
        // One more doubling of headroom: a section may subtract notes from invoices.
        _ = try Checked.add(money, money)
    }
}
