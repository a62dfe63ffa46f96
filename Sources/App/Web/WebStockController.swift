import Foundation
import Vapor

/// Stock pages and the notification centre; each reads through the same functions as the API.
enum WebStockController {
    private static func company(_ req: Request) async throws -> (CompanyContext, CompanyDTO) {
        let context = try req.company
        return (context, try CompanyDTO(try await CompanyController.find(context, on: req.db)))
    }

    @Sendable static func summary(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        do {
            let s = try await StockReports.summary(req: req)
            return WebForm.page(StockPages.summary(s, companyID: context.companyID, chrome: req.chrome("Stock summary", section: .stock, company: dto)))
        } catch let e as APIError where e.status.code < 500 {
            var chrome = req.chrome("Stock summary", section: .stock, company: dto)
            chrome.flash = .init(kind: .error, message: e.fields.map { "\($0.field) \($0.message)" }.joined(separator: "; "))
            let empty = StockSummaryDTO(asOf: Format.today().description, by: "item", rows: [], totalValue: "0.00")
            return WebForm.page(StockPages.summary(empty, companyID: context.companyID, chrome: chrome), status: e.status)
        }
    }

    @Sendable static func ledger(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let l = try await StockReports.ledger(req: req)
        let chrome = req.chrome("Stock ledger", section: .stock, company: dto, back: "/app/c/\(context.companyID.uuidString.lowercased())/stock")
        return WebForm.page(StockPages.ledger(l, itemID: req.query[String.self, at: "item"] ?? "", companyID: context.companyID, chrome: chrome))
    }

    @Sendable static func notifications(req: Request) async throws -> Response {
        let (context, dto) = try await company(req)
        let list = try await NotificationController.list(req: req).items
        return WebForm.page(StockPages.notifications(list, companyID: context.companyID, chrome: req.chrome("Notifications", section: .notifications, company: dto)))
    }

    @Sendable static func markRead(req: Request) async throws -> Response {
        let context = try req.company
        _ = try await NotificationController.markRead(req: req)
        return req.redirect(to: "/app/c/\(context.companyID.uuidString.lowercased())/notifications")
    }
}
