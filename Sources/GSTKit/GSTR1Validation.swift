import Ledger

/// What the portal would reject, found before anyone uploads (gst.md §A3.5).
public struct ReturnIssue: Codable, Sendable, Equatable {
    public var documentId: String
    public var number: String
    public var field: String
    public var message: String
}

extension GSTR1 {
    public static func validate(filer: GSTIN, period: ReturnPeriod, documents: [GSTDocument], turnoverAbove5Crore: Bool = false) -> [ReturnIssue] {
        var issues: [ReturnIssue] = []
        let hsnDigits = HSNCode.requiredDigits(turnoverAbove5Crore: turnoverAbove5Crore)
        for d in documents where d.direction == .outward && period.contains(d.date) && !d.cancelled {
            func issue(_ field: String, _ message: String) {
                issues.append(ReturnIssue(documentId: d.id, number: d.number, field: field, message: message))
            }
            if let problem = invoiceNumberProblem(d.number) { issue("number", problem) }
            if d.partyRegistration.isRegistered {
                if let raw = d.partyGSTIN {
                    do {
                        let g = try GSTIN(raw)
                        if g.value == filer.value { issue("party", "the recipient's GSTIN is our own") }
                        if [.nonResident, .oidar].contains(g.kind) { issue("party", "a \(g.kind.rawValue) GSTIN cannot be reported in b2b") }
                    } catch { issue("party", "recipient GSTIN \(raw) \(error.description)") }
                } else {
                    issue("party", "a registered recipient needs a GSTIN")
                }
            }
            if d.placeOfSupply == "00" || (d.placeOfSupply != "96" && StateCode(d.placeOfSupply) == nil) {
                issue("placeOfSupply", "'\(d.placeOfSupply)' is not a place of supply")
            }
            if d.kind != .invoice, let o = d.original, d.date < o.date {
                issue("date", d.kind == .advanceAdjustment ? "the adjustment is dated before its advance \(o.number) (\(o.date))"
                                                           : "the note is dated before its invoice \(o.number) (\(o.date))")
            }
            for (i, l) in d.lines.enumerated() {
                let f = "lines[\(i)]"
                let t = l.tax
                if t.treatment.chargesTax && !TaxRate.isAllowed(t.rate, on: d.date) { issue(f, "\(t.rate)% is not a GST rate on \(d.date)") }
                if t.cgst != t.sgst { issue(f, "CGST \(Money(paise: t.cgst)) and SGST \(Money(paise: t.sgst)) differ") }
                if t.igst != 0 && t.cgst != 0 { issue(f, "charges both IGST and CGST/SGST") }
                if d.kind.isAdvance { continue }  // advances carry no HSN in the return
                if let problem = HSNCode.problem(l.hsn) { issue(f + ".hsn", "HSN \(l.hsn) \(problem)") }
                else if l.hsn.count < hsnDigits { issue(f + ".hsn", "HSN \(l.hsn) has \(l.hsn.count) digits; at least \(hsnDigits) are required") }
            }
        }
        return issues
    }

    /// Up to 16 characters: a letter or digit first, then letters, digits, `-` and `/` (gst.md §A3.1).
    public static func invoiceNumberProblem(_ number: String) -> String? {
        guard !number.isEmpty, number.count <= 16 else { return "invoice numbers have 1 to 16 characters; '\(number)' has \(number.count)" }
        guard let first = number.first, first.isASCIIDigit || first.isASCIILetter else { return "must start with a letter or digit" }
        guard number.allSatisfy({ $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" || $0 == "/" }) else {
            return "may only contain letters, digits, - and /"
        }
        return nil
    }
}

extension Character {
    var isASCIILetter: Bool { isASCII && isLetter }
}
