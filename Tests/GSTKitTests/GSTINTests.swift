import GSTKit
import Testing

@Suite struct GSTINTests {
    // Vectors from gst.md §A1.4, each recomputed there.
    @Test(arguments: [
        ("27AAPFU0939F1ZV", GSTIN.Kind.normal), ("24AANFA2641L1ZF", .normal), ("29AABCR1718E1ZL", .normal),
        ("05AAACG2115R1ZN", .normal), ("24AUTPV8831F1ZZ", .normal), ("36AASFP8573D2ZN", .normal),
        ("29AABCF8078M1C8", .tcs), ("20ALYPD6528PQC5", .tcs), ("19AAACI1681G1DV", .tds),
        ("06DELI09652G1DA", .tds), ("0717UNO00157UNO", .uin), ("9917SGP29001OST", .oidar),
    ])
    func valid_vectors_are_accepted_and_classified(raw: String, kind: GSTIN.Kind) throws {
        let gstin = try GSTIN(raw)
        #expect(gstin.value == raw)
        #expect(gstin.kind == kind)
    }

    @Test func lowercase_and_spaces_are_normalised() throws {
        let gstin = try GSTIN("  27aapfu0939f1zv ")
        #expect(gstin.value == "27AAPFU0939F1ZV")
        #expect(gstin.stateCode == "27")
        #expect(gstin.pan == "AAPFU0939F")
    }

    @Test func wrong_check_character_names_the_expected_one() {
        #expect(throws: GSTIN.ValidationError.checkCharacter(expected: "V", found: "O")) {
            try GSTIN("27AAPFU0939F1ZO")
        }
        #expect(throws: GSTIN.ValidationError.checkCharacter(expected: "F", found: "K")) {
            try GSTIN("24AANFA2641L1ZK")
        }
    }

    @Test func length_and_format_errors_are_distinct() {
        #expect(throws: GSTIN.ValidationError.length(14)) { try GSTIN("27AAPFU0939F1Z") }
        #expect(throws: GSTIN.ValidationError.format) { try GSTIN("369296450896540") }
        #expect(throws: GSTIN.ValidationError.format) { try GSTIN("27AAPFU0000F1ZV") }
        #expect(throws: GSTIN.ValidationError.format) { try GSTIN("123456789012@ab") }
    }

    @Test func unknown_state_code_is_rejected() {
        // 45 is not a state code; the check character is computed so only the state is wrong.
        let first14 = Array("45AAPFU0939F1Z")
        let check = GSTIN.checkCharacter(for: first14[...])!
        #expect(throws: GSTIN.ValidationError.unknownStateCode("45")) { try GSTIN(String(first14) + String(check)) }
    }

    @Test func state_codes() {
        #expect(StateCode("27")?.name == "Maharashtra")
        #expect(StateCode("25") == nil)
        #expect(StateCode("04")?.isUnionTerritoryWithoutLegislature == true)
        #expect(StateCode.registrable.contains("96") == false)
        #expect(StateCode.registrable.contains("38"))
    }
}

@Suite struct UncheckedGSTINTests {
    @Test func transporter_and_sandbox_ids_are_accepted_only_when_asked() throws {
        // A valid transporter ID whose check character is not the computed one, and the e-invoice sandbox's GSTIN.
        for raw in ["29AAFCA7488L1Z0", "02AMBPG7773M002", "88AAACD8017H1ZX"] {
            #expect(throws: GSTIN.ValidationError.self) { try GSTIN(raw) }
            #expect(try GSTIN.unchecked(raw).value == raw)
        }
        #expect(throws: GSTIN.ValidationError.format) { try GSTIN.unchecked("123456789012@ab") }
        #expect(throws: GSTIN.ValidationError.length(14)) { try GSTIN.unchecked("27AAPFU0939F1Z") }
    }
}
