import Vapor

/// What a route is, for people and for checks: its summary, schemas and, for company routes, the capability it
/// needs. Stored on the route itself, so the OpenAPI document and the access checks read the same declaration.
struct APIRoute: Sendable {
    enum Access: Sendable {
        case open
        case user
        case company(Capability)
    }

    var summary: String
    var tag: String
    var access: Access
    var request: Schema? = nil
    var response: Schema? = nil
    var status: HTTPStatus = .ok
    var query: [QueryParameter] = []
    /// An HTML page of the web UI: access-checked like any route, left out of the OpenAPI document.
    var page = false

    static func page(_ summary: String, _ access: Access = .open) -> APIRoute {
        APIRoute(summary: summary, tag: "Web", access: access, page: true)
    }

    struct QueryParameter: Sendable {
        var name: String
        var schema: Schema
        var description: String

        /// A query value is a short token (a date, an id, a kind, a cursor): capping free strings keeps every URL
        /// far inside what the HTTP parser accepts, so an over-long one gets a 422 naming it, not a dropped connection.
        static let maxLength = 200

        init(name: String, schema: Schema, description: String) {
            self.name = name
            self.description = description
            if case .string(var rule) = schema, rule.maxLength > Self.maxLength {
                rule.maxLength = Self.maxLength
                self.schema = .string(rule)
            } else {
                self.schema = schema
            }
        }
    }

    /// Holds every declared query parameter to its declared length (422 naming each over-long one) before the
    /// handler runs; what a value means (a date, a cursor, a limit) the handler checks and names itself.
    func validateQuery(_ request: Request) throws {
        var errors: [APIError.FieldError] = []
        for parameter in query {
            guard case .string(let rule) = parameter.schema, let raw = request.query[String.self, at: parameter.name],
                  raw.count > rule.maxLength else { continue }
            errors.append(.init(field: parameter.name, message: "must be at most \(rule.maxLength) characters, got \(raw.count)"))
        }
        if !errors.isEmpty { throw APIError.validation(errors) }
    }

    var capability: Capability? {
        if case .company(let c) = access { c } else { nil }
    }
}

extension Route {
    var api: APIRoute? {
        get { userInfo["finsync.api"] as? APIRoute }
        set { userInfo["finsync.api"] = newValue }
    }
}

extension RoutesBuilder {
    @discardableResult
    func on<Response: AsyncResponseEncodable & VaporSendableMetatype>(
        _ method: HTTPMethod, _ path: PathComponent..., body: HTTPBodyStreamStrategy = .collect, api: APIRoute,
        use handler: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        let route = on(method, path, body: body) { request in
            try api.validateQuery(request)
            return try await handler(request)
        }
        route.api = api
        return route
    }
}

/// A request body that is validated against its schema before it is decoded, so a client learns about every
/// bad field in one response.
protocol APIRequestBody: Decodable, Sendable {
    static var schema: Schema { get }
}

/// A response body whose shape `/openapi.json` publishes.
protocol APIResponseBody: Content {
    static var schema: Schema { get }
}

extension APIRequestBody {
    /// Validates `value` against `schema` (422 listing every bad field), then decodes it. API bodies and web forms
    /// both come through here, so a form shows exactly the errors the API would return.
    static func decode(from value: JSONValue, schema: Schema = Self.schema) throws -> Self {
        var errors: [APIError.FieldError] = []
        schema.validate(value, at: "", into: &errors)
        guard errors.isEmpty else { throw APIError.validation(errors) }
        do {
            return try JSONDecoder().decode(Self.self, from: Data(value.canonical.utf8))
        } catch {
            // The schema accepted it, so this is a mismatch between schema and type: a bug, reported as such.
            throw Abort(.internalServerError, reason: "schema/type mismatch for \(Self.self): \(error)")
        }
    }
}

extension Request {
    /// Parses the body as JSON (400 saying where it breaks), then validates and decodes it.
    func decodeBody<T: APIRequestBody>(_: T.Type, schema: Schema = T.schema) throws -> T {
        let bytes = body.data.map { Data(buffer: $0) } ?? Data()
        guard !bytes.isEmpty else {
            throw APIError.malformed("The request body is empty; send a JSON object.")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: bytes)
        } catch {
            throw APIError.malformed("The request body is not valid JSON: \(Self.describeJSONError(error, in: bytes))")
        }
        return try T.decode(from: value, schema: schema)
    }

    static func describeJSONError(_ error: any Error, in bytes: Data) -> String {
        JSONSyntax.firstProblem(in: [UInt8](bytes))?.description ?? "it is not a JSON document"
    }
}
