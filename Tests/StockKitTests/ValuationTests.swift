import StockKit
import Testing

/// A hand-computed sequence for each method (amounts in paise, quantities in thousandths): two purchases, a sale
/// across both, a return, then the same history with a purchase backdated between the second purchase and the
/// sale, replayed from the position before it. Every figure below was worked out on paper.
@Suite struct ValuationTests {
    static let u: Int64 = 1000  // one unit

    @Test func fifo_step_by_step_and_after_a_backdated_purchase() {
        var p = StockPosition(method: .fifo)
        #expect(p.apply(.inward(10 * Self.u, value: 100_000)) == 100_000)  // 10 @ ₹100
        p.apply(.inward(5 * Self.u, value: 60_000))  // 5 @ ₹120
        let afterSecond = p
        #expect((p.quantity, p.value) == (15 * Self.u, 160_000))
        // 12 out: all 10 of the first (₹1,000) and 2 of the second (₹240).
        #expect(p.apply(.outward(12 * Self.u)) == 124_000)
        #expect((p.quantity, p.value) == (3 * Self.u, 36_000))
        #expect(p.layers == [.init(quantity: 3 * Self.u, value: 36_000)])
        p.apply(.inward(1 * Self.u, value: 10_333))  // a return at ₹103.33
        #expect((p.quantity, p.value) == (4 * Self.u, 46_333))

        // Backdated: 4 @ ₹110 before the sale. The sale still takes the oldest units, so it costs the same.
        var b = afterSecond
        b.apply(.inward(4 * Self.u, value: 44_000))
        #expect(b.apply(.outward(12 * Self.u)) == 124_000)
        #expect(b.layers == [.init(quantity: 3 * Self.u, value: 36_000), .init(quantity: 4 * Self.u, value: 44_000)])
        b.apply(.inward(1 * Self.u, value: 10_333))
        #expect((b.quantity, b.value) == (8 * Self.u, 90_333))
        #expect(b.rate == 11_292)  // ₹903.33 / 8 = ₹112.916… → ₹112.92
    }

    @Test func weighted_average_step_by_step_and_after_a_backdated_purchase() {
        var p = StockPosition(method: .weightedAverage)
        p.apply(.inward(10 * Self.u, value: 100_000))
        p.apply(.inward(5 * Self.u, value: 60_000))
        let afterSecond = p
        // 12 of 15 at ₹1,600 total: ₹1,280.
        #expect(p.apply(.outward(12 * Self.u)) == 128_000)
        #expect((p.quantity, p.value) == (3 * Self.u, 32_000))
        p.apply(.inward(1 * Self.u, value: 10_333))
        #expect((p.quantity, p.value) == (4 * Self.u, 42_333))

        // Backdated 4 @ ₹110: 19 units worth ₹2,040; 12 of them cost 2,040 × 12 / 19 = ₹1,288.42.
        var b = afterSecond
        b.apply(.inward(4 * Self.u, value: 44_000))
        #expect(b.apply(.outward(12 * Self.u)) == 128_842)
        #expect((b.quantity, b.value) == (7 * Self.u, 75_158))
        b.apply(.inward(1 * Self.u, value: 10_333))
        #expect((b.quantity, b.value) == (8 * Self.u, 85_491))
        // Selling the rest takes exactly what is left: nothing remains in value.
        #expect(b.apply(.outward(8 * Self.u)) == 85_491)
        #expect((b.quantity, b.value) == (0, 0))
    }

    @Test func fractional_quantities_round_half_up_to_the_paisa() {
        var p = StockPosition(method: .weightedAverage)
        p.apply(.inward(3_000, value: 1_000))  // 3 kg for ₹10
        #expect(p.apply(.outward(1_000)) == 333)  // 1 kg: ₹3.333… → ₹3.33
        #expect(p.apply(.outward(500)) == 167)  // 0.5 kg of ₹6.67 over 2 kg: 166.75 → 167
        #expect((p.quantity, p.value) == (1_500, 500))
    }

    @Test func negative_stock_is_costed_at_the_last_rate_and_the_value_stays_receipts_less_issues() {
        for method in ValuationMethod.allCases {
            var p = StockPosition(method: method)
            p.apply(.inward(1 * Self.u, value: 10_333))
            p.apply(.outward(1 * Self.u))
            #expect(p.apply(.outward(2 * Self.u)) == 20_666, "\(method)")
            #expect((p.quantity, p.value) == (-2 * Self.u, -20_666), "\(method)")
            p.apply(.inward(5 * Self.u, value: 60_000))
            // 2 units cover the shortfall at ₹120 each (₹240); the ₹33.34 difference stays in the value.
            #expect(p.quantity == 3 * Self.u, "\(method)")
            #expect(p.value == 10_333 - 10_333 - 20_666 + 60_000, "\(method)")
        }
    }

    @Test func any_sequence_keeps_value_equal_to_receipts_less_issues() {
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
                    p.apply(.inward(1 + next(20_000), value: v))
                    net += v
                } else {
                    net -= p.apply(.outward(min(p.quantity, 1 + next(15_000))))
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
