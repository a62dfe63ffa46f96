/// Who supplies to where, and how, for one invoice: decided from the party's registration and what the user asked
/// for, by the IGST Act. The invoice poster asks; the line engine (`TaxEngine`) then only follows the decision.
public enum SupplyRules {
    public struct Question: Sendable {
        /// Our sale (or note on one) rather than a purchase.
        public var outward: Bool
        public var supplyType: SupplyType?
        public var placeOfSupply: String?
        public var reverseCharge: Bool?
        public var partyRegistration: Registration
        public var partyGSTIN: GSTIN?
        public var partyState: String?
        public var ourState: StateCode
        /// Every line is a service (an import of services is taxed under reverse charge; goods pay IGST at customs).
        public var allServices: Bool
        public var anyServices: Bool
        /// Our registration holds a letter of undertaking (Rule 96A): zero-rated supplies default to "without payment".
        public var underLUT: Bool

        public init(outward: Bool, supplyType: SupplyType? = nil, placeOfSupply: String? = nil, reverseCharge: Bool? = nil,
                    partyRegistration: Registration, partyGSTIN: GSTIN? = nil, partyState: String? = nil, ourState: StateCode,
                    allServices: Bool = false, anyServices: Bool = false, underLUT: Bool = false) {
            self.outward = outward
            self.supplyType = supplyType
            self.placeOfSupply = placeOfSupply
            self.reverseCharge = reverseCharge
            self.partyRegistration = partyRegistration
            self.partyGSTIN = partyGSTIN
            self.partyState = partyState
            self.ourState = ourState
            self.allServices = allServices
            self.anyServices = anyServices || allServices
            self.underLUT = underLUT
        }
    }

    public struct Decision: Equatable, Sendable {
        public var supplyType: SupplyType
        /// The supplier's state; `96` for goods or services imported from outside India.
        public var supplierState: String
        public var placeOfSupply: String
        public var reverseCharge: Bool
        /// IGST whatever the two states: imports, and supplies from an SEZ into the rest of India.
        public var interStateByLaw: Bool

        public init(supplyType: SupplyType, supplierState: String, placeOfSupply: String, reverseCharge: Bool, interStateByLaw: Bool) {
            self.supplyType = supplyType
            self.supplierState = supplierState
            self.placeOfSupply = placeOfSupply
            self.reverseCharge = reverseCharge
            self.interStateByLaw = interStateByLaw
        }
    }

    public struct Problem: Equatable, Sendable {
        public var field: String
        public var message: String
    }

    public struct Problems: Error, Equatable, Sendable {
        public var list: [Problem]
    }

    public static func decide(_ q: Question) -> Result<Decision, Problems> {
        q.outward ? outward(q) : inward(q)
    }

    private static func outward(_ q: Question) -> Result<Decision, Problems> {
        var problems: [Problem] = []
        let overseas = q.partyRegistration == .overseas, sez = q.partyRegistration == .sez
        let posInIndia = q.placeOfSupply.map { $0 != "96" } ?? false
        // Not given: a supply to an SEZ is zero-rated (IGST Act s.16(1)(b)); a supply to an overseas party with no place
        // of supply in India is an export (s.2(5), s.16(1)(a)). Under an LUT they go without tax (s.16(3)(a)), else with IGST.
        let type = q.supplyType ?? (sez ? (q.underLUT ? .sezWithoutPayment : .sezWithPayment)
            : overseas && !posInIndia ? (q.underLUT ? .exportWithoutPayment : .exportWithPayment) : .regular)
        if type.isSEZ && !sez {
            problems.append(.init(field: "supplyType", message: "SEZ supplies need a party registered as sez"))
        }
        if sez && !type.isSEZ {
            problems.append(.init(field: "supplyType", message:
                "a supply to an SEZ unit or developer is zero-rated and always IGST, whatever the states (IGST Act s.7(5)(b), s.16(1)(b)): use sez-with-payment or sez-without-payment"))
        }
        if type.isExport && posInIndia {
            problems.append(.init(field: "placeOfSupply", message: "an export's place of supply is 96 (outside India)"))
        }
        if type.isExport && !overseas && q.partyRegistration.isRegistered {
            problems.append(.init(field: "supplyType", message:
                "an export goes to a recipient outside India (IGST Act s.2(5)); this party is registered in India as \(q.partyRegistration.rawValue)"))
        }
        if type == .deemedExport && (overseas || sez) {
            problems.append(.init(field: "supplyType", message: "deemed exports are supplies to recipients in India outside an SEZ (CGST Act s.147); this party is \(q.partyRegistration.rawValue)"))
        }
        if type == .customsBondedWarehouse {
            if !q.partyRegistration.isRegistered || sez {
                problems.append(.init(field: "supplyType", message: "a supply to a customs bonded warehouse is reported for a registered recipient in India (GSTR-1 b2b, CBW); this party is \(q.partyRegistration.rawValue)"))
            }
            if q.anyServices { problems.append(.init(field: "supplyType", message: "only goods are deposited in a customs bonded warehouse")) }
        }
        if overseas && type == .regular && !posInIndia {
            problems.append(.init(field: "supplyType", message:
                "a supply to an overseas party with its place of supply outside India is an export (IGST Act s.2(5)): use export-with-payment or export-without-payment, or give placeOfSupply in India"))
        }
        // A supply type already refused leaves no place of supply to judge.
        guard problems.isEmpty else { return .failure(Problems(list: problems)) }
        var pos = q.ourState.code
        if let given = q.placeOfSupply, !type.isExport {
            pos = given
        } else {
            do {
                pos = try TaxEngine.defaultPlaceOfSupply(supplyType: type, partyRegistration: q.partyRegistration, partyGSTIN: q.partyGSTIN,
                                                         partyState: q.partyState, supplierState: q.ourState)
            } catch { problems.append(.init(field: "placeOfSupply", message: error.description)) }
        }
        if pos != "96" && !StateCode.registrable.contains(pos) {
            problems.append(.init(field: "placeOfSupply", message: "'\(pos)' is not a state code (or 96 for exports)"))
        }
        if pos == "96" && !type.isExport {
            problems.append(.init(field: "placeOfSupply", message: "96 (outside India) is the place of supply of exports only"))
        }
        guard problems.isEmpty else { return .failure(Problems(list: problems)) }
        return .success(Decision(supplyType: type, supplierState: q.ourState.code, placeOfSupply: pos,
                                 reverseCharge: q.reverseCharge ?? false, interStateByLaw: type.alwaysIGST))
    }

    private static func inward(_ q: Question) -> Result<Decision, Problems> {
        var problems: [Problem] = []
        if let t = q.supplyType, t != .regular {
            problems.append(.init(field: "supplyType", message: "is for our own supplies; a purchase is always regular (imports follow from the party)"))
        }
        let pos = q.placeOfSupply ?? q.ourState.code
        if !StateCode.registrable.contains(pos) {
            problems.append(.init(field: "placeOfSupply", message: "'\(pos)' is not a state code: goods and services we receive are supplied to us in India"))
        }
        var supplier = q.partyGSTIN?.stateCode ?? q.partyState ?? q.ourState.code
        var reverseCharge = q.reverseCharge ?? false
        var byLaw = false
        switch q.partyRegistration {
        case .overseas:
            // Imports of goods and of services are inter-state supplies (IGST Act s.7(2), s.7(4)).
            supplier = "96"
            byLaw = true
            if q.allServices {
                // Imported services are taxed on the recipient (IGST Act s.5(3), notification 10/2017-Integrated Tax (Rate)).
                if q.reverseCharge == false {
                    problems.append(.init(field: "reverseCharge", message: "an import of services is taxed under reverse charge (IGST Act s.5(3))"))
                }
                reverseCharge = true
            } else if !q.anyServices && q.reverseCharge == true {
                problems.append(.init(field: "reverseCharge", message: "IGST on imported goods is paid at customs on the bill of entry, not under reverse charge"))
            }
        case .sez:
            // What an SEZ unit supplies into the rest of India is imported there: IGST whatever the states.
            byLaw = true
        default: break
        }
        guard problems.isEmpty else { return .failure(Problems(list: problems)) }
        return .success(Decision(supplyType: .regular, supplierState: supplier, placeOfSupply: pos, reverseCharge: reverseCharge,
                                 interStateByLaw: byLaw))
    }
}
