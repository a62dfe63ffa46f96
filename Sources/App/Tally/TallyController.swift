import Fluent
import Foundation
import Ledger
import SQLKit
import TallyXML
import Vapor

/// `POST …/tally/import` and `GET …/tally/export`, and `finsync import-tally` / `export-tally` through the same
/// functions.
enum TallyController {
    @Sendable static func importFile(req: Request) async throws -> Response {
        let context = try req.company
        let upload = try await TallyUpload.receive(req, limit: req.application.config.tallyMaxUploadBytes)
        defer { try? FileManager.default.removeItem(atPath: upload.path) }
        let company = try await CompanyController.find(context, on: req.db)
        let report = try await importing(upload.path) {
            try await TallyImporter.run(path: upload.path, source: upload.name, company: company, actor: req.auditActor, store: req.application.store, on: req.db)
        }
        return try await report.encodeResponse(status: .ok, for: req)
    }

    /// A file that cannot be read at all is the client's problem, said plainly; nothing was written.
    static func importing<T>(_ source: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as TallyReadError {
            throw APIError(status: .unprocessableEntity, code: "invalid_tally_xml", message: "The Tally file could not be read: it \(e.description).",
                           fields: [.init(field: "file", message: e.description)])
        } catch let e as TallyStream.Failed {
            throw APIError(status: .unprocessableEntity, code: "invalid_tally_xml", message: "The Tally file could not be read: \(e.description).",
                           fields: [.init(field: "file", message: e.description)])
        }
    }

    /// `?what=masters|vouchers|all&from=&to=`: streamed, never built whole in memory.
    @Sendable static func export(req: Request) async throws -> Response {
        let context = try req.company
        let company = try await CompanyController.find(context, on: req.db)
        var errors: [APIError.FieldError] = []
        let what = TallyExporter.What(rawValue: req.query[String.self, at: "what"] ?? "all")
        if what == nil { errors.append(.init(field: "what", message: "must be masters, vouchers or all")) }
        func date(_ key: String, _ fallback: CalendarDate) -> CalendarDate {
            guard let raw = req.query[String.self, at: key] else { return fallback }
            guard let d = CalendarDate(raw) else { errors.append(.init(field: key, message: "must be " + CalendarDate.acceptedDescription)); return fallback }
            return d
        }
        let from = date("from", CalendarDate(company.booksBeginning) ?? Format.today())
        let to = date("to", CalendarDate.distantFuture)
        if from > to { errors.append(.init(field: "to", message: "is before from")) }
        guard errors.isEmpty, let what else { throw APIError.validation(errors) }
        // A file for Tally carries the whole books; with restricted ledgers left out it would import as different books.
        guard try await req.ledgerVisibility().seesEverything else {
            throw APIError.forbidden("This company has restricted ledgers, which your role (\(try req.company.role.rawValue)) does not see; a Tally export needs the whole books.")
        }
        let db = req.db
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/xml; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"finsync-tally-\(what.rawValue).xml\"")
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            do {
                try await TallyExporter.export(company: company, what: what, from: from, to: to, on: db) { text in
                    try await writer.write(.buffer(ByteBuffer(string: text)))
                }
                try await writer.write(.end)
            } catch {
                try await writer.write(.error(error))
            }
        }))
    }

    struct ImportSummaryDTO: APIResponseBody {
        var id: UUID
        var createdAt: Date
        var source: String
        var totals: TallyImportDTO.Counts
        static let schema = Schema.ref("TallyImportSummary", .object([
            .required("id", .uuid), .required("createdAt", .dateTime), .required("source", .text()), .required("totals", TallyImportDTO.Counts.schema),
        ]))
    }

    /// Earlier imports, newest first; `…/tally/imports/{id}` gives one report whole.
    @Sendable static func imports(req: Request) async throws -> Page<ImportSummaryDTO> {
        let reports = try await stored(company: try req.company.companyID, id: nil, on: req.db)
        return try OffsetPaging(req).page(reports.map { ImportSummaryDTO(id: $0.0.id, createdAt: $0.1, source: $0.0.source, totals: $0.0.totals) })
    }

    @Sendable static func importReport(req: Request) async throws -> TallyImportDTO {
        guard let id = req.parameters.get("importID").flatMap(UUID.init(uuidString:)),
              let found = try await stored(company: try req.company.companyID, id: id, on: req.db).first else { throw APIError.notFound("Import") }
        return found.0
    }

    static func stored(company: UUID, id: UUID?, on db: any Database) async throws -> [(TallyImportDTO, Date)] {
        struct Row: Decodable { var report: String; var created_at: Date }
        let only: SQLQueryString = id.map { "AND id = \(bind: $0)" } ?? ""
        return try await db.sql().raw("SELECT report, created_at FROM tally_imports WHERE company_id = \(bind: company) \(only) ORDER BY created_at DESC LIMIT 50")
            .all(decoding: Row.self).compactMap { r in
                (try? JSONDecoder().decode(TallyImportDTO.self, from: Data(r.report.utf8))).map { ($0, r.created_at) }
            }
    }
}

extension TallyController {
    /// `--company ID` of the Tally commands: the database migrated and the company found, or one line saying why not.
    static func company(option raw: String?, app: Application) async throws -> Company {
        guard let raw, let id = UUID(uuidString: raw) else { throw StartupError(setting: "--company", problem: "give the company's id") }
        try await DatabaseStartup.migrate(app)
        guard let company = try await Company.find(id, on: app.db) else { throw StartupError(setting: "--company", problem: "no company \(raw)") }
        return company
    }
}

/// Receives an upload without holding it in memory: the raw body (XML) or the first file of a multipart form is
/// streamed to a temporary file, and more than `limit` bytes is a 413 as soon as the limit is passed.
enum TallyUpload {
    static func receive(_ req: Request, limit: Int) async throws -> (path: String, name: String) {
        let path = NSTemporaryDirectory() + "finsync-tally-\(UUID().uuidString).xml"
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw Abort(.internalServerError, reason: "could not create a temporary file")
        }
        var keep = false
        defer {
            try? handle.close()
            if !keep { try? FileManager.default.removeItem(atPath: path) }
        }
        var total = 0, written = 0
        var name = "upload.xml"
        func tooLarge() -> APIError {
            APIError(status: .payloadTooLarge, code: "payload_too_large",
                     message: "The Tally file is larger than the \(limit)-byte limit (FINSYNC_TALLY_MAX_UPLOAD_BYTES).")
        }
        if let type = req.headers.contentType, type.type == "multipart", let boundary = type.parameters["boundary"] {
            let parser = MultipartParser(boundary: boundary)
            var headers: [String: String] = [:]
            var fileDone = false
            var failure: (any Error)?
            func isFile() -> Bool { headers["content-disposition"]?.contains("filename=") == true }
            parser.onHeader = { key, value in headers[key.lowercased()] = value }
            parser.onBody = { buffer in
                guard isFile(), !fileDone else { return }
                do { try handle.write(contentsOf: Data(buffer: buffer)); written += buffer.readableBytes } catch { failure = error }
            }
            parser.onPartComplete = {
                if isFile(), !fileDone {
                    fileDone = true
                    if let d = headers["content-disposition"], let r = d.range(of: "filename=\"") {
                        name = String(d[r.upperBound...].prefix { $0 != "\"" })
                    }
                }
                headers = [:]
            }
            for try await chunk in req.body {
                total += chunk.readableBytes
                if total > limit { throw tooLarge() }
                do { try parser.execute(chunk) } catch {
                    throw APIError(status: .badRequest, code: "malformed_request", message: "The multipart form is malformed: \(error).")
                }
                if let failure { throw failure }
            }
            guard fileDone || written > 0 else { throw APIError.validation(field: "file", "the form carries no file; send the Tally XML as a file field") }
        } else {
            for try await chunk in req.body {
                total += chunk.readableBytes
                if total > limit { throw tooLarge() }
                try handle.write(contentsOf: Data(buffer: chunk))
                written += chunk.readableBytes
            }
        }
        guard written > 0 else { throw APIError.validation(field: "file", "is empty") }
        keep = true
        return (path, name)
    }
}

/// `finsync import-tally --company ID FILE`: the same import as the API, reported on the console.
struct ImportTallyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "company", help: "The company's id.")
        var company: String?
        @Argument(name: "file", help: "A Tally XML export (UTF-8 or UTF-16).")
        var file: String
        init() {}
    }

    var help: String { "Imports a Tally XML export into a company and prints the report." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let company = try await TallyController.company(option: signature.company, app: app)
        guard FileManager.default.isReadableFile(atPath: signature.file) else { throw StartupError(setting: "FILE", problem: "cannot read \(signature.file)") }
        let actor = AuditActor(userID: nil, requestID: "cli-import-tally", clientAddress: "cli")
        do {
            let report = try await TallyController.importing(signature.file) {
                try await TallyImporter.run(path: signature.file, source: (signature.file as NSString).lastPathComponent, company: company, actor: actor,
                                            store: app.store, on: app.db)
            }
            let t = report.totals
            context.console.print("Imported \(signature.file) (\(report.encoding)): \(t.created) created, \(t.updated) updated, \(t.unchanged) unchanged, \(t.rejected) rejected, \(t.skipped) skipped.")
            for c in report.byKind { context.console.print("  \(c.kind): \(c.created) created, \(c.updated) updated, \(c.unchanged) unchanged, \(c.rejected) rejected, \(c.skipped) skipped") }
            for o in report.objects where o.outcome == .rejected { context.console.print("  rejected \(o.kind) '\(o.name)': \(o.reason ?? "")") }
            if let p = report.parity {
                context.console.print(p.agrees ? "Parity: all \(p.ledgersCompared) ledgers agree with the Tally data as of \(p.asOf)."
                                               : "Parity: \(p.differences.count) of \(p.ledgersCompared) ledgers differ from the Tally data as of \(p.asOf).")
            }
        } catch let e as APIError {
            throw StartupError(setting: "FILE", problem: e.message)
        }
    }
}

/// `finsync export-tally --company ID [--what all] [--from] [--to] FILE`: Tally import XML.
struct ExportTallyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "company", help: "The company's id.")
        var company: String?
        @Option(name: "what", help: "masters, vouchers or all (default).")
        var what: String?
        @Option(name: "from", help: "First voucher date (default: books-beginning).")
        var from: String?
        @Option(name: "to", help: "Last voucher date (default: all).")
        var to: String?
        @Argument(name: "file", help: "Where to write the XML.")
        var file: String
        init() {}
    }

    var help: String { "Writes a company's masters and vouchers as XML that Tally imports." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let what = TallyExporter.What(rawValue: signature.what ?? "all") else { throw StartupError(setting: "--what", problem: "must be masters, vouchers or all") }
        let app = context.application
        let company = try await TallyController.company(option: signature.company, app: app)
        let from = try signature.from.flatMap(CalendarDate.init) ?? (CalendarDate(stored: company.booksBeginning))
        let to = signature.to.flatMap(CalendarDate.init) ?? CalendarDate.distantFuture
        guard FileManager.default.createFile(atPath: signature.file, contents: nil), let handle = FileHandle(forWritingAtPath: signature.file) else {
            throw StartupError(setting: "FILE", problem: "cannot write \(signature.file)")
        }
        defer { try? handle.close() }
        try await TallyExporter.export(company: company, what: what, from: from, to: to, on: app.db) { text in try handle.write(contentsOf: Data(text.utf8)) }
        context.console.print("Wrote \(signature.file).")
    }
}
