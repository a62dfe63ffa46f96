@testable import App
import Foundation
import Testing

@Suite struct ImportSlotsTests {
    @Test func one_import_per_company_and_a_bounded_number_per_server() async throws {
        let slots = ImportSlots()
        let a = UUID(), b = UUID(), c = UUID()
        let first = UUID()
        try await slots.acquire(first, company: a)
        do {
            try await slots.acquire(UUID(), company: a)
            Issue.record("a second import for one company was let through")
        } catch let e as APIError {
            #expect(e.status == .conflict && e.code == "import_running")
            #expect(e.message.contains(first.uuidString.lowercased()))
        }
        try await slots.acquire(UUID(), company: b)
        do {
            try await slots.acquire(UUID(), company: c)
            Issue.record("more than \(ImportSlots.perServer) imports ran at once")
        } catch let e as APIError {
            #expect(e.status == .serviceUnavailable && e.headers.first(name: .retryAfter) != nil)
        }
        await slots.release(first, company: a)
        #expect(await slots.current(company: a) == nil)
        try await slots.acquire(UUID(), company: c)
    }
}
