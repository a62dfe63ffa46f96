import Ledger

/// The export requests a sync sends to Tally's HTTP server (reference §2): the company's watermarks, all masters,
/// vouchers altered after an AlterID in a date range, and the GUIDs of a date range's vouchers (for deletions).
/// Every request names the company and, for vouchers, the period explicitly: Tally otherwise answers for whatever
/// period its screen shows.
public enum TallyRequests {
    /// `$AltMstId` / `$AltVchId`: the cheapest "did anything change?" (reference §2.5).
    public static func companyInfo(company: String) -> String {
        envelope(id: "FinSyncCompany", company: company, from: nil, to: nil, tdl: """
            <COLLECTION NAME="FinSyncCompany"><TYPE>Company</TYPE><FETCH>Guid, Name, BooksFrom, LastVoucherDate, AltMstId, AltVchId</FETCH>\
            <FILTER>FinSyncCurrent</FILTER></COLLECTION><SYSTEM TYPE="Formulae" NAME="FinSyncCurrent">$$IsEqual:$Name:##SVCurrentCompany</SYSTEM>
            """)
    }

    /// Every master, in Tally's native format (`List of Accounts`, All Masters).
    public static func masters(company: String) -> String {
        """
        <ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Export</TALLYREQUEST><TYPE>Data</TYPE><ID>List of Accounts</ID></HEADER>\
        <BODY><DESC><STATICVARIABLES><SVEXPORTFORMAT>$$SysName:XML</SVEXPORTFORMAT><SVCURRENTCOMPANY>\(TallyWriter.escape(company))</SVCURRENTCOMPANY>\
        <ACCOUNTTYPE>All Masters</ACCOUNTTYPE></STATICVARIABLES></DESC></BODY></ENVELOPE>
        """
    }

    /// Vouchers of `from…to` whose AlterID is above `afterAlterID`, with their ledger, inventory and bill lines.
    public static func vouchers(company: String, from: CalendarDate, to: CalendarDate, afterAlterID: Int64) -> String {
        envelope(id: "FinSyncVouchers", company: company, from: from, to: to, tdl: """
            <COLLECTION NAME="FinSyncVouchers"><TYPE>Voucher</TYPE><FETCH>Guid, AlterId, MasterId, Date, VoucherTypeName, VoucherNumber, Reference, \
            Narration, PartyLedgerName, IsCancelled, IsOptional, IsPostDated, IsInvoice, PersistedView, AllLedgerEntries, LedgerEntries, \
            AllInventoryEntries</FETCH><FILTER>FinSyncAltered</FILTER></COLLECTION>\
            <SYSTEM TYPE="Formulae" NAME="FinSyncAltered">$AlterID &gt; \(afterAlterID)</SYSTEM>
            """)
    }

    /// Only `(GUID, AlterID)` of a period's vouchers: what Tally still has, to find what was deleted there.
    public static func voucherGUIDs(company: String, from: CalendarDate, to: CalendarDate) -> String {
        envelope(id: "FinSyncGuids", company: company, from: from, to: to, tdl: """
            <COLLECTION NAME="FinSyncGuids"><TYPE>Voucher</TYPE><FETCH>Guid, AlterId</FETCH></COLLECTION>
            """)
    }

    static func envelope(id: String, company: String, from: CalendarDate?, to: CalendarDate?, tdl: String) -> String {
        var statics = "<SVEXPORTFORMAT>$$SysName:XML</SVEXPORTFORMAT><SVCURRENTCOMPANY>\(TallyWriter.escape(company))</SVCURRENTCOMPANY>"
        if let from, let to {
            statics += "<SVFROMDATE TYPE=\"Date\">\(TallyScalar.formatDate(from))</SVFROMDATE><SVTODATE TYPE=\"Date\">\(TallyScalar.formatDate(to))</SVTODATE>"
        }
        return """
            <ENVELOPE><HEADER><VERSION>1</VERSION><TALLYREQUEST>Export</TALLYREQUEST><TYPE>Collection</TYPE><ID>\(id)</ID></HEADER>\
            <BODY><DESC><STATICVARIABLES>\(statics)</STATICVARIABLES><TDL><TDLMESSAGE>\(tdl)</TDLMESSAGE></TDL></DESC></BODY></ENVELOPE>
            """
    }

    /// What a request asks for, read back by a server (the fake Tally in our tests reads requests with this).
    public struct Parsed: Sendable, Equatable {
        public var request: String
        public var id: String
        public var company: String?
        public var from: CalendarDate?
        public var to: CalendarDate?
        public var afterAlterID: Int64?
        public var report: String?
    }

    public static func parse(_ nodes: TallyReadSummary) -> Parsed {
        let env = nodes.envelope
        var after: Int64?
        if let formula = env["SYSTEM"], let gt = formula.firstIndex(of: ">") { after = Int64(String(formula[formula.index(after: gt)...]).trimmingWhitespace) }
        return Parsed(request: env["TALLYREQUEST"] ?? "", id: env["ID"] ?? env["REPORTNAME"] ?? "", company: env["SVCURRENTCOMPANY"],
                      from: env["SVFROMDATE"].flatMap { try? TallyScalar.date($0) }, to: env["SVTODATE"].flatMap { try? TallyScalar.date($0) },
                      afterAlterID: after, report: env["REPORTNAME"])
    }
}

/// The company record of a `companyInfo` answer.
public struct TallyCompanyInfo: Sendable, Equatable {
    public var name: String
    public var guid: String?
    public var booksFrom: CalendarDate?
    public var lastVoucherDate: CalendarDate?
    public var masterAlterID: Int64
    public var voucherAlterID: Int64

    public init(name: String, guid: String? = nil, booksFrom: CalendarDate?, lastVoucherDate: CalendarDate?, masterAlterID: Int64, voucherAlterID: Int64) {
        self.name = name; self.guid = guid; self.booksFrom = booksFrom; self.lastVoucherDate = lastVoucherDate
        self.masterAlterID = masterAlterID; self.voucherAlterID = voucherAlterID
    }

    public init(node: TallyNode) throws(TallyFieldError) {
        var r = NodeReader(node)
        guard let name = TallyScalar.name(node.attribute("NAME")) ?? r.text("NAME") else { throw TallyFieldError("NAME", "the company has no name") }
        self.name = name
        guid = r.text("GUID")
        booksFrom = try r.date("BOOKSFROM")?.date
        lastVoucherDate = try r.date("LASTVOUCHERDATE")?.date
        masterAlterID = try r.int("ALTMSTID") ?? 0
        voucherAlterID = try r.int("ALTVCHID") ?? 0
    }

    public var node: TallyNode {
        var b = NodeBuilder("COMPANY", attributes: [("NAME", name)])
        b.add("GUID", guid)
        b.add("BOOKSFROM", date: booksFrom.map(CalendarDateText.init)); b.add("LASTVOUCHERDATE", date: lastVoucherDate.map(CalendarDateText.init))
        b.add("ALTMSTID", " \(masterAlterID)"); b.add("ALTVCHID", " \(voucherAlterID)")
        return b.node
    }
}

extension TallyWriter {
    /// A collection export answer as Tally's server writes it (reference §2.2).
    public static func collectionResponse(_ objects: [TallyNode]) -> String {
        var s = "<ENVELOPE>\r\n <HEADER>\r\n  <VERSION>1</VERSION>\r\n  <STATUS>1</STATUS>\r\n </HEADER>\r\n <BODY>\r\n  <DESC></DESC>\r\n  <DATA>\r\n   <COLLECTION>\r\n"
        for o in objects { write(o, depth: 2, into: &s) }
        return s + "   </COLLECTION>\r\n  </DATA>\r\n </BODY>\r\n</ENVELOPE>\r\n"
    }
}
