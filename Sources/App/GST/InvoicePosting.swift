import Fluent
import Foundation
import GSTKit
import Ledger
import SQLKit
import Vapor

/// Turns an invoice request into computed lines and one balanced voucher posted through the books' own path.
/// Everything happens in the caller's transaction: the invoice, its lines, the voucher and the audit entries
/// land together or not at all.
enum InvoicePosting {
    struct Computed {
        var invoice: InvoiceRow
        var lines: [InvoiceLineRow]
        var items: [UUID: ItemRow]
        var billOfSupply: Bool
        var rateWiseLedgers = false
        /// Advance receipts: the cash or bank ledger the money came into.
        var account: LedgerRow?
        /// Lines billed in a compound unit: thousandths of the item's unit in one of it (for stock).
        var unitFactors: [Int: Int64] = [:]
        /// The GSTIN of the registration the invoice is issued under (or received on), for its answer.
        var registrationGSTIN: String? = nil
    }

    static func post(_ body: InvoiceRequest, company: Company, by member: CompanyContext? = nil, actor: AuditActor, on db: any Database) async throws -> InvoiceDTO {
        let companyID = try company.requireID()
        if let series = body.kind.reservedSeries { try await series.ensure(company: companyID, actor: actor, on: db) }
        let context = try await PostingContext(company: companyID, on: db)
        context.member = member
        var computed = try await compute(body, company: company, context: context, actor: actor, on: db)
        guard let type = context.type(body.kind.voucherType) else {
            throw APIError.validation(field: "kind", "this company has no \(body.kind.rawValue) voucher type")
        }
        let outward = computed.invoice.direction == "outward"
        // Outward documents take the next number of their voucher series now, so the bill can carry it.
        let fyStart = (try CalendarDate(stored: computed.invoice.fy_start))
        if outward {
            let sequence = try await VoucherPosting.reserveNumbers(type: type.id, fyStart: fyStart, count: 1, on: db.sql())
            computed.invoice.number = try type.checkedNumber(sequence, fyStart: fyStart)
        }
        // Tax we pay under reverse charge to a supplier who is not registered needs our own invoice (s.31(3)(f)).
        if body.kind == .purchase && computed.invoice.reverse_charge,
           !(Registration(rawValue: computed.invoice.party_registration)?.isRegistered ?? false) {
            computed.invoice.self_invoice_number = try await ReservedSeries.selfInvoice.next(fyStart: fyStart, company: companyID, actor: actor, on: db)
        }
        let request = try await voucher(for: computed, body: body, context: context, company: companyID, actor: actor, on: db)
        var prepared = try await VoucherPosting.prepare(request, context: context, on: db)
        if outward { prepared.presetNumber = computed.invoice.number }
        let posted = try await VoucherPosting.write([prepared], context: context, actor: actor, on: db)[0]
        computed.invoice.voucher_id = posted.id
        let ordered = try await TradeDocuments.orderLines(for: body, computed: computed, company: company, on: db)
        let notes = try await TradeDocuments.notesForInvoice(body, party: computed.invoice.party_ledger_id, company: company, on: db)
        let moves = try await InvoiceStock.moves(for: &computed, body: body, covered: notes.covered, company: company, on: db)
        let sql = db.sql()
        try await BoundRows.insert([computed.invoice], into: "invoices", on: sql)
        try await VoucherPosting.insert(computed.lines, into: "invoice_lines", on: sql)
        // Optional vouchers count nowhere until regularised, stock included.
        if prepared.status == "active" {
            try await Stock.record(moves, sourceKind: "invoice", sourceID: computed.invoice.id, company: company, on: db)
            try await GSTDayTotals.apply(computed.invoice, lines: computed.lines, sign: 1, on: sql)
        }
        try await TradeDocuments.link(notes.ids, invoice: computed.invoice.id, on: db)
        try await VoucherPosting.insert(ordered, into: "order_invoice_lines", on: sql)
        let party = try await context.ledger(computed.invoice.party_ledger_id.uuidString, on: db)?.name ?? ""
        let dto = InvoiceController.dto(computed.invoice, lines: computed.lines, party: party, itemNames: computed.items.mapValues(\.name),
                                        registration: computed.registrationGSTIN, status: prepared.status)
        try await AuditLog.append(AuditEvent(companyID: companyID, action: "invoice.create", entityType: "invoice",
                                             entityID: computed.invoice.id.uuidString.lowercased(), after: try JSONValue(encoding: dto)),
                                  by: actor, on: db)
        return dto
    }

    /// Every check and every figure, collected field by field into one 422.
    static func compute(_ body: InvoiceRequest, company: Company, context: PostingContext, actor: AuditActor,
                        on db: any Database) async throws -> Computed {
        let companyID = try company.requireID()
        var errors: [APIError.FieldError] = []
        guard let date = CalendarDate(body.date) else { throw APIError.validation(field: "date", "must be " + CalendarDate.acceptedDescription) }
        guard (1...InvoiceRequest.maxLines).contains(body.lines.count) else {
            throw APIError.validation(field: "lines", "give 1 to \(InvoiceRequest.maxLines) lines, got \(body.lines.count)")
        }
        let registration = try await Registrations.resolve(body.registration, company: company, actor: actor, on: db)

        // The original invoice decides which way a note goes; an adjustment follows its advance.
        var original: InvoiceRow?
        let originalKinds = body.kind.originalKinds
        if !originalKinds.isEmpty {
            guard let ref = body.originalInvoice else { throw APIError.validation(field: "originalInvoice", "is required for a \(body.kind.rawValue)") }
            original = try await InvoiceController.row(ref, company: companyID, on: db)
            guard let o = original, originalKinds.map(\.rawValue).contains(o.kind) else {
                let wanted = body.kind.isAdvance ? "advance receipt" : "sales or purchase invoice"
                throw APIError.validation(field: "originalInvoice", "no \(wanted) '\(ref)' in this company")
            }
            if (try CalendarDate(stored: o.date)) > date {
                let what = body.kind.isAdvance ? "advance" : "original invoice"
                errors.append(.init(field: "date", message: "is before the \(what)'s date (\(o.date))"))
            }
        } else if body.originalInvoice != nil {
            errors.append(.init(field: "originalInvoice", message: "only credit and debit notes and advance adjustments name an original"))
        }
        let outward = [.sales, .advanceReceipt].contains(body.kind) || ["sales", "advance-receipt"].contains(original?.kind ?? "")
        if body.kind.isAdvance {
            // Tax on advances is a regular registration's outward liability on services; goods advances are free of it.
            if registration == nil || registration?.kind == "composition" {
                errors.append(.init(field: "registration", message: "only a regular GST registration pays tax on advances"))
            }
            if body.reverseCharge == true { errors.append(.init(field: "reverseCharge", message: "advances under reverse charge are the recipient's to report")) }
            if body.roundOff == true { errors.append(.init(field: "roundOff", message: "advances are recorded to the paisa, not rounded")) }
            if let t = body.supplyType, t != .regular { errors.append(.init(field: "supplyType", message: "advances are recorded for regular supplies only")) }
        }
        if body.kind.takesAccount {
            if body.account == nil { errors.append(.init(field: "account", message: "is required: the cash or bank ledger the advance came into or went back from")) }
        } else if body.account != nil {
            errors.append(.init(field: "account", message: "only advance receipts and refunds name a cash or bank account"))
        }

        // The party and its registration come from its ledger.
        guard let party = try await context.ledger(body.party, on: db) else { throw APIError.validation(field: "party", "no ledger '\(body.party)' in this company") }
        if let o = original, o.party_ledger_id != party.id {
            errors.append(.init(field: "party", message: "is not the party of the original invoice"))
        }
        var account: LedgerRow?
        if body.kind.takesAccount, let ref = body.account {
            account = try await context.ledger(ref, on: db)
            if let a = account {
                if context.groups[a.group_id]?.role.isCashOrBank != true {
                    errors.append(.init(field: "account", message: "'\(a.name)' is not a cash or bank ledger"))
                }
            } else {
                errors.append(.init(field: "account", message: "no ledger '\(ref)' in this company"))
            }
        }
        let role = context.groups[party.group_id]?.role
        var partyGSTIN: GSTIN?
        if let raw = party.gstin {
            do { partyGSTIN = try GSTIN(raw) } catch { throw APIError.validation(field: "party", "'\(party.name)' has an invalid GSTIN: \(error.description)") }
        }
        let partyRegistration = party.registration_type.flatMap(Registration.init(rawValue:))
            ?? (partyGSTIN != nil ? .regular : role?.isCashOrBank == true ? .consumer : .unregistered)
        // Who supplies to where, and how, by the IGST Act (`SupplyRules`); a note or adjustment follows its original.
        let ourState = StateCode(registration?.state_code ?? company.stateCode) ?? StateCode("27")!
        let known = try await Items.findMany(body.lines.map(\.item), company: companyID, on: db)
        let kinds = body.lines.compactMap { known[$0.item]?.kind }
        let question = SupplyRules.Question(
            outward: outward, supplyType: body.supplyType ?? original.flatMap { SupplyType(rawValue: $0.supply_type) },
            placeOfSupply: body.placeOfSupply ?? original?.place_of_supply,
            reverseCharge: body.reverseCharge ?? original?.reverse_charge, partyRegistration: partyRegistration, partyGSTIN: partyGSTIN,
            partyState: party.state_code, ourState: ourState,
            allServices: !kinds.isEmpty && kinds.allSatisfy { $0 == "service" }, anyServices: kinds.contains("service"),
            underLUT: registration?.lut ?? false)
        var decision = SupplyRules.Decision(supplyType: .regular, supplierState: ourState.code, placeOfSupply: ourState.code,
                                            reverseCharge: false, interStateByLaw: false)
        switch SupplyRules.decide(question) {
        case .success(let d): decision = d
        case .failure(let problems): errors += problems.list.map { .init(field: $0.field, message: $0.message) }
        }
        let supplyType = decision.supplyType
        let supplierState = decision.supplierState
        let placeOfSupply = decision.placeOfSupply
        let reverseCharge = decision.reverseCharge
        let shippingBill = deliveryDetails(body, outward: outward, supplyType: supplyType, date: date, errors: &errors)
        let ecommerce = ecommerceDetails(body, original: original, outward: outward, supplyType: supplyType, reverseCharge: reverseCharge,
                                         allServices: !kinds.isEmpty && kinds.allSatisfy { $0 == "service" }, errors: &errors)
        // No tax is charged by a composition or unregistered seller, nor by an unregistered supplier outside reverse charge.
        let noTax = outward ? (registration == nil || registration?.kind == "composition")
            : (!reverseCharge && [.composition, .unregistered, .consumer].contains(partyRegistration))
        let tax = SupplyContext(supplierState: StateCode(supplierState) ?? ourState, placeOfSupply: placeOfSupply, supplyType: supplyType,
                                reverseCharge: reverseCharge, supplierIsComposition: noTax, interStateByLaw: decision.interStateByLaw,
                                operatorPays: ecommerce?.section == .operatorPays)

        // Lines.
        var items: [UUID: ItemRow] = [:]
        var lines: [InvoiceLineRow] = []
        var unitFactors: [Int: Int64] = [:]
        let invoiceID = UUID()
        let rates = try await Items.rates(company: companyID, items: Array(known.values.map(\.id)), on: db)
        let hsnDigits = HSNCode.requiredDigits(turnoverAbove5Crore: registration?.turnover_above_5cr ?? false)
        for (i, input) in body.lines.enumerated() {
            let f = "lines[\(i)]"
            guard let item = known[input.item], item.active else {
                errors.append(.init(field: f + ".item", message: "no active item '\(input.item)' in this company")); continue
            }
            items[item.id] = item
            guard let entry = Items.schedule(rates[item.id] ?? []).entry(on: date) else {
                errors.append(.init(field: f + ".item", message: "'\(item.name)' has no GST rate on \(date)")); continue
            }
            var lineUQC = item.unit
            if let (factor, uqc) = try await Units.resolve(input.unit, item: item, field: f, company: companyID, errors: &errors, on: db) {
                lineUQC = uqc
                if factor != 1_000 { unitFactors[i] = factor }
            }
            if body.kind.isAdvance && item.kind != "service" {
                errors.append(.init(field: f + ".item", message: "'\(item.name)' is goods: advances for goods carry no GST (Notification 66/2017-CT); record a plain receipt"))
            }
            if outward && item.hsn.count < hsnDigits {
                errors.append(.init(field: f + ".item", message: "'\(item.name)' has a \(item.hsn.count)-digit HSN; this registration must show at least \(hsnDigits) digits"))
            }
            var quantity = Quantity(thousandths: 0), price: Int64 = 0, discount: Int64 = 0
            do { quantity = try Quantity(parsing: input.quantity) } catch { errors.append(.init(field: f + ".quantity", message: error.description)) }
            do {
                price = try Money(parsing: input.rate).paise
                if price < 0 { errors.append(.init(field: f + ".rate", message: "must not be negative")) }
            } catch { errors.append(.init(field: f + ".rate", message: error.description)) }
            if let raw = input.discount {
                do { discount = try Money(parsing: raw).paise } catch { errors.append(.init(field: f + ".discount", message: error.description)) }
            }
            let amount: Int64, t: LineTax
            do { amount = try quantity.times(price) } catch {
                errors.append(.init(field: f + ".quantity", message: "× rate is more than the limit of \(Money.limitText) for a line")); continue
            }
            if discount < 0 || discount > amount { errors.append(.init(field: f + ".discount", message: "must be between 0 and the line amount \(Money(paise: amount))")); continue }
            do {
                // Specific cess is per unit of the item: a line in a compound unit (BOX of 12) counts the item's units.
                let itemUnits = Quantity(thousandths: try Checked.multiplyDivide(quantity.thousandths, unitFactors[i] ?? 1_000, by: 1_000))
                t = try TaxEngine.tax(taxable: amount - discount, taxability: Taxability(rawValue: item.taxability) ?? .taxable, rate: entry.rate,
                                      cessRate: entry.cess, quantity: itemUnits, cessPerUnit: entry.cessPerUnit, context: tax)
            } catch { errors.append(.init(field: f, message: error.description)); continue }
            lines.append(InvoiceLineRow(id: UUID(), invoice_id: invoiceID, company_id: companyID, line_no: i, item_id: item.id,
                                        description: input.description ?? item.name, hsn: item.hsn, uqc: lineUQC,
                                        quantity_milli: quantity.thousandths, price_paise: price, discount_paise: discount, taxable_paise: t.taxable,
                                        treatment: t.treatment.rawValue, rate_milli: t.rate.milli, cess_milli: t.cessRate.milli, cgst_paise: t.cgst,
                                        sgst_paise: t.sgst, igst_paise: t.igst, cess_paise: t.cess, utgst: t.usesUTGST,
                                        cess_non_advol_paise: t.cessNonAdvol, cess_per_unit_paise: t.cessNonAdvol == 0 ? 0 : entry.cessPerUnit))
        }
        if lines.contains(where: { $0.taxable_paise <= 0 }) && errors.isEmpty {
            errors.append(.init(field: "lines", message: "every line needs a value above zero after discount"))
        }

        // Every line is within the limit; their sums are checked against it too, so nothing below can overflow.
        var taxable: Int64 = 0, taxAmount: Int64 = 0, value: Int64 = 0
        do {
            taxable = try Checked.sum(lines.map(\.taxable_paise))
            taxAmount = try Checked.sum(lines.flatMap { [$0.cgst_paise, $0.sgst_paise, $0.igst_paise, $0.cess_paise, $0.cess_non_advol_paise] })
            value = try Checked.add(taxable, reverseCharge || ecommerce?.section == .operatorPays ? 0 : taxAmount)
            guard value <= Money.limit.paise else { throw AmountOverflow() }
        } catch {
            errors.append(.init(field: "lines", message: "the invoice's total is more than the limit of \(Money.limitText)"))
        }
        let roundOff = body.roundOff == true ? (value + 50) / 100 * 100 - value : 0
        let fyStart = date.financialYearStart(month: context.fyMonth)

        // A credit note cannot take back more than the invoice, counting the notes before it.
        if body.kind == .creditNote, let o = original {
            struct Sum: Decodable { var s: Int64? }
            let earlier = try await db.sql().raw("""
                SELECT CAST(SUM(i.total_paise) AS BIGINT) AS s FROM invoices i JOIN vouchers v ON v.id = i.voucher_id
                WHERE i.original_invoice_id = \(bind: o.id) AND i.kind = 'credit-note' AND v.status = 'active'
                """).first(decoding: Sum.self)?.s ?? 0
            if earlier > o.total_paise || value + roundOff > o.total_paise - earlier {
                errors.append(.init(field: "lines", message: "the note (\(Money(paise: value + roundOff))) with earlier notes (\(Money(paise: earlier))) exceeds the original invoice's \(Money(paise: o.total_paise))"))
            }
        }

        // An adjustment or refund cannot release more than the advance, counting the adjustments and refunds before it.
        if body.kind == .advanceAdjustment || body.kind == .advanceRefund, let o = original {
            struct Sum: Decodable { var s: Int64? }
            let earlier = try await db.sql().raw("""
                SELECT CAST(SUM(i.taxable_paise) AS BIGINT) AS s FROM invoices i JOIN vouchers v ON v.id = i.voucher_id
                WHERE i.original_invoice_id = \(bind: o.id) AND i.kind IN ('advance-adjustment', 'advance-refund') AND v.status = 'active'
                """).first(decoding: Sum.self)?.s ?? 0
            if (try? Checked.add(earlier, taxable)).map({ $0 > o.taxable_paise }) ?? true {
                let what = body.kind == .advanceRefund ? "refund" : "adjustment"
                errors.append(.init(field: "lines", message: "the \(what) (\(Money(paise: taxable))) with earlier adjustments and refunds (\(Money(paise: earlier))) exceeds the advance's \(Money(paise: o.taxable_paise))"))
            }
        }

        var number = ""
        if outward {
            if body.number != nil { errors.append(.init(field: "number", message: "outward invoices and notes are numbered automatically; leave number out")) }
        } else if let given = body.number?.trimmingCharacters(in: .whitespaces), !given.isEmpty {
            number = given
            struct Row: Decodable { var id: UUID }
            let taken = try await db.sql().raw("""
                SELECT id FROM invoices WHERE company_id = \(bind: companyID) AND direction = 'inward' AND party_ledger_id = \(bind: party.id)
                AND kind = \(bind: body.kind.rawValue) AND fy_start = \(bind: fyStart.description) AND number = \(bind: given)
                """).first(decoding: Row.self) != nil
            if taken { errors.append(.init(field: "number", message: "'\(given)' from \(party.name) is already entered for this year")) }
        } else {
            errors.append(.init(field: "number", message: "is required: the supplier's invoice or note number"))
        }
        guard errors.isEmpty else { throw APIError.validation(errors) }

        let invoice = InvoiceRow(id: invoiceID, company_id: companyID, registration_id: registration?.id, kind: body.kind.rawValue,
                                 direction: outward ? "outward" : "inward", number: number, fy_start: fyStart.description, date: date.description,
                                 party_ledger_id: party.id, party_registration: partyRegistration.rawValue, party_gstin: partyGSTIN?.value,
                                 supplier_state: supplierState, place_of_supply: placeOfSupply, supply_type: supplyType.rawValue,
                                 reverse_charge: reverseCharge, original_invoice_id: original?.id, voucher_id: UUID(), taxable_paise: taxable,
                                 tax_paise: taxAmount, round_off_paise: roundOff, total_paise: value + roundOff,
                                 shipping_bill_number: shippingBill?.number, shipping_bill_date: shippingBill?.date.description,
                                 shipping_port: shippingBill?.portCode,
                                 ship_to: try body.shipTo?.json, dispatch_from: try body.dispatchFrom?.json,
                                 ecommerce_gstin: ecommerce?.operatorGSTIN, ecommerce_section: ecommerce?.section.rawValue)
        return Computed(invoice: invoice, lines: lines, items: items, billOfSupply: noTax && outward,
                        rateWiseLedgers: registration?.rate_wise_ledgers ?? false, account: account, unitFactors: unitFactors,
                        registrationGSTIN: registration?.gstin)
    }

    /// The voucher: party on one side; income or purchase ledgers, tax ledgers and round-off on the other.
    /// Sales and debit notes on sales debit the party; credit notes reverse that; purchases mirror it.
    static func voucher(for c: Computed, body: InvoiceRequest, context: PostingContext, company: UUID, actor: AuditActor,
                        on db: any Database) async throws -> VoucherRequest {
        let inv = c.invoice
        let outward = inv.direction == "outward"
        // Party side: +1 debit. Outward sales/DN and inward CN/DN debit the party; the rest credit it.
        let partyDebit = outward ? body.kind != .creditNote : body.kind != .purchase
        var amounts: [UUID: (String, Int64)] = [:]  // ledger → signed amount, + debit
        func add(_ ledger: LedgerRow, _ paise: Int64) {
            guard paise != 0 else { return }
            amounts[ledger.id, default: (ledger.name, 0)].1 += paise
        }
        if body.kind.isAdvance { return try await advanceVoucher(for: c, body: body, context: context, company: company, actor: actor, on: db) }
        let other: Int64 = partyDebit ? -1 : 1
        let prefix = outward ? "Output" : "Input"
        for l in c.lines {
            guard let item = c.items[l.item_id] else { throw APIError.validation(field: "lines", "an item of this invoice is no longer there") }
            let ledgerID = outward ? item.sales_ledger_id : item.purchase_ledger_id
            let known = try await ledgerID.asyncMap { try await context.ledger($0.uuidString, on: db) } ?? nil
            let income = try await known.asyncOr {
                try await GSTLedgers.named(outward ? "Sales" : "Purchase", under: outward ? "Sales Accounts" : "Purchase Accounts",
                                           context: context, company: company, actor: actor, on: db)
            }
            add(income, other * l.taxable_paise)
            for (name, amount) in taxes(l, rateWise: c.rateWiseLedgers) {
                let ledger = try await GSTLedgers.named("\(prefix) \(name)", under: "Duties & Taxes", context: context, company: company, actor: actor, on: db)
                add(ledger, other * amount)
                if inv.reverse_charge {
                    // Under reverse charge the tax is not the party's: outward, the buyer pays it (nothing to post); inward,
                    // we owe it as output tax and may take the same amount as input credit.
                    if outward { add(ledger, -other * amount) } else {
                        add(try await GSTLedgers.named("Output \(name)", under: "Duties & Taxes", context: context, company: company, actor: actor, on: db),
                            -other * amount)
                    }
                }
            }
        }
        if inv.round_off_paise != 0 {
            add(try await GSTLedgers.named("Round Off", under: "Indirect Expenses", context: context, company: company, actor: actor, on: db),
                other * inv.round_off_paise)
        }
        guard let party = try await context.ledger(inv.party_ledger_id.uuidString, on: db) else { throw APIError.notFound("Ledger") }
        var bills: [BillInput]?
        if party.bill_wise {
            let total = Money(paise: inv.total_paise).description
            let reference = inv.number
            // Invoices, and debit notes we issue on a sale, open a bill of their own.
            if body.kind == .sales || body.kind == .purchase || (body.kind == .debitNote && outward) {
                bills = [BillInput(type: .new, reference: reference, amount: total)]
            } else {
                // Notes settle the original's bill while it is open enough, else stay on account.
                let originalNumber = try await InvoiceController.row(inv.original_invoice_id?.uuidString ?? "", company: company, on: db)?.number
                if let originalNumber, let open = try await context.bill(originalNumber, ledger: party.id, on: db),
                    abs(open.outstanding) >= inv.total_paise, (open.outstanding > 0) != partyDebit
                {
                    bills = [BillInput(type: .against, reference: originalNumber, amount: total)]
                } else {
                    bills = [BillInput(type: .onAccount, reference: nil, amount: total)]
                }
            }
        }
        var entries = [VoucherRequest.Entry(ledger: nil, ledgerId: party.id.uuidString, debit: partyDebit ? Money(paise: inv.total_paise).description : nil,
                                            credit: partyDebit ? nil : Money(paise: inv.total_paise).description, bills: bills)]
        for (id, (_, amount)) in amounts.sorted(by: { $0.value.0 < $1.value.0 }) where amount != 0 {
            entries.append(.init(ledger: nil, ledgerId: id.uuidString, debit: amount > 0 ? Money(paise: amount).description : nil,
                                 credit: amount < 0 ? Money(paise: -amount).description : nil))
        }
        return VoucherRequest(type: body.kind.voucherType, date: inv.date, number: nil, narration: body.narration,
                              reference: outward ? nil : inv.number, entries: entries)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }

    /// The value, or what `make` produces when there is none.
    func asyncOr(_ make: () async throws -> Wrapped) async throws -> Wrapped {
        if let self { return self }
        return try await make()
    }
}
