import StockKit
import Testing

/// A hand-computed sequence for each method (amounts in paise, quantities in thousandths): two purchases, a sale
/// across both, a return, then the same history with a purchase backdated between the second purchase and the
/// sale, replayed from the position before it. Every figure below was worked out on paper.
@Suite struct ValuationTests {
    static let u: Int64 = 1000  // one unit

    @Test func fifo_step_by_step_and_after_a_backdated_purchase() throws {
        var p = StockPosition(method: .fifo)
        #expect(try p.apply(.inward(10 * Self.u, value: 100_000)) == 100_000)  // 10 @ ₹100
        try p.apply(.inward(5 * Self.u, value: 60_000))  // 5 @ ₹120
        let afterSecond = p
        #expect((p.quantity, p.value) == (15 * Self.u, 160_000))
        // 12 out: all 10 of the first (₹1,000) and 2 of the second (₹240).
        #expect(try p.apply(.outward(12 * Self.u)) == 124_000)
        #expect((p.quantity, p.value) == (3 * Self.u, 36_000))
        #expect(p.layers == [.init(quantity: 3 * Self.u, value: 36_000)])
        try p.apply(.inward(1 * Self.u, value: 10_333))  // a return at ₹103.33
        #expect((p.quantity, p.value) == (4 * Self.u, 46_333))

        // Backdated: 4 @ ₹110 before the sale. The sale still takes the oldest units, so it costs the same.
        var b = afterSecond
        try b.apply(.inward(4 * Self.u, value: 44_000))
        #expect(try b.apply(.outward(12 * Self.u)) == 124_000)
        #expect(b.layers == [.init(quantity: 3 * Self.u, value: 36_000), .init(quantity: 4 * Self.u, value: 44_000)])
        try b.apply(.inward(1 * Self.u, value: 10_333))
        #expect((b.quantity, b.value) == (8 * Self.u, 90_333))
        #expect(b.rate == 11_292)  // ₹903.33 / 8 = ₹112.916… → ₹112.92
    }

    @Test func weighted_average_step_by_step_and_after_a_backdated_purchase() throws {
        var p = StockPosition(method: .weightedAverage)
        try p.apply(.inward(10 * Self.u, value: 100_000))
        try p.apply(.inward(5 * Self.u, value: 60_000))
        let afterSecond = p
        // 12 of 15 at ₹1,600 total: ₹1,280.
        #expect(try p.apply(.outward(12 * Self.u)) == 128_000)
        #expect((p.quantity, p.value) == (3 * Self.u, 32_000))
        try p.apply(.inward(1 * Self.u, value: 10_333))
        #expect((p.quantity, p.value) == (4 * Self.u, 42_333))

        // Backdated 4 @ ₹110: 19 units worth ₹2,040; 12 of them cost 2,040 × 12 / 19 = ₹1,288.42.
        var b = afterSecond
        try b.apply(.inward(4 * Self.u, value: 44_000))
        #expect(try b.apply(.outward(12 * Self.u)) == 128_842)
        #expect((b.quantity, b.value) == (7 * Self.u, 75_158))
        try b.apply(.inward(1 * Self.u, value: 10_333))
        #expect((b.quantity, b.value) == (8 * Self.u, 85_491))
        // Selling the rest takes exactly what is left: nothing remains in value.
        #expect(try b.apply(.outward(8 * Self.u)) == 85_491)
        #expect((b.quantity, b.value) == (0, 0))
    }

    @Test func fractional_quantities_round_half_up_to_the_paisa() throws {
        var p = StockPosition(method: .weightedAverage)
        try p.apply(.inward(3_000, value: 1_000))  // 3 kg for ₹10
        #expect(try p.apply(.outward(1_000)) == 333)  // 1 kg: ₹3.333… → ₹3.33
        #expect(try p.apply(.outward(500)) == 167)  // 0.5 kg of ₹6.67 over 2 kg: 166.75 → 167
        #expect((p.quantity, p.value) == (1_500, 500))
    }

    @Test func negative_stock_is_costed_at_the_last_rate_and_the_value_stays_receipts_less_issues() throws {
        for method in ValuationMethod.allCases {
            var p = StockPosition(method: method)
            try p.apply(.inward(1 * Self.u, value: 10_333))
            try p.apply(.outward(1 * Self.u))
            #expect(try p.apply(.outward(2 * Self.u)) == 20_666, "\(method)")
            #expect((p.quantity, p.value) == (-2 * Self.u, -20_666), "\(method)")
            try p.apply(.inward(5 * Self.u, value: 60_000))
            // 2 units cover the shortfall at ₹120 each (₹240); the ₹33.34 difference stays in the value.
            #expect(p.quantity == 3 * Self.u, "\(method)")
            #expect(p.value == 10_333 - 10_333 - 20_666 + 60_000, "\(method)")
        }
    }

    @Test func any_sequence_keeps_value_equal_to_receipts_less_issues() throws {
        var seed: UInt64 = 42
        func next(_ n: Int64) -> Int64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int64((seed >> 33) % UInt64(n))
        }
        for method in ValuationMethod.allCases {
            var p = StockPosition(method: method)
            var net: Int64 = 0
            for _ in 0..<5_000 {
                if next(3) == 0 || p.quantity <= 0 {
                    let v = next(1_000_000)
                    try p.apply(.inward(1 + next(20_000), value: v))
                    net += v
                } else {
                    net -= try p.apply(.outward(min(p.quantity, 1 + next(15_000))))
                }
                #expect(p.value == net)
                if method == .fifo {
                    #expect(p.layers.reduce(0) { $0 + $1.quantity } == p.quantity)
                    #expect(p.layers.reduce(0) { $0 + $1.value } == p.value)
                }
            }
        }
    }
}

@Suite struct ValuationOverflowTests {
    @Test func a_receipt_that_would_overflow_the_position_is_refused_and_leaves_it_as_it_was() throws {
        for method in ValuationMethod.allCases {
            var p = StockPosition(method: method)
            try p.apply(.inward(Int64.max - 10, value: 1_000))
            let before = p
            #expect(throws: StockOverflow.self) { try p.apply(.inward(100, value: 1)) }
            #expect(p == before)
            #expect(throws: StockOverflow.self) { try p.apply(.inward(1, value: Int64.max)) }
            #expect(p == before)
        }
    }

    @Test func an_issue_without_stock_at_a_huge_last_rate_is_refused_not_trapped() throws {
        var p = StockPosition(method: .weightedAverage)
        try p.apply(.inward(1, value: 1_000_000_000_000_000))
        try p.apply(.outward(1))
        #expect(throws: StockOverflow.self) { try p.apply(.outward(999_999_999_999_999)) }
        #expect(throws: StockOverflow.self) { try p.apply(StockMovement(quantity: .min)) }
    }

    @Test func share_never_traps() {
        #expect(throws: StockOverflow.self) { try StockPosition.share(.max, of: 1, taking: .max) }
        #expect(throws: StockOverflow.self) { try StockPosition.share(1, of: 0, taking: 1) }
        #expect((try? StockPosition.share(10, of: 4, taking: 1)) == 3)
    }
}
