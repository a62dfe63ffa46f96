import Vapor

/// Builds the OpenAPI 3.1 document from the routes as registered, so a route cannot exist without appearing here.
enum OpenAPIDocument {
    static func build(from routes: Routes, version: String) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        var components: [String: JSONValue] = [:]
        for route in routes.all where route.api?.page != true {
            let path = "/" + route.path.map { component -> String in
                switch component {
                case .parameter(let name): "{\(name)}"
                default: component.description
                }
            }.joined(separator: "/")
            let api = route.api
            var operation: [String: JSONValue] = [
                "summary": .string(api?.summary ?? "Internal route"),
                "tags": .array([.string(api?.tag ?? "Web")]),
                "operationId": .string(route.method.rawValue.lowercased() + path.replacingOccurrences(of: "/", with: "_")),
            ]
            var parameters: [JSONValue] = route.path.compactMap {
                guard case .parameter(let name) = $0 else { return nil }
                return ["name": .string(name), "in": "path", "required": .bool(true), "schema": ["type": "string", "format": "uuid"]]
            }
            for q in api?.query ?? [] {
                parameters.append([
                    "name": .string(q.name), "in": "query", "required": .bool(false), "description": .string(q.description),
                    "schema": render(q.schema, into: &components),
                ])
            }
            if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
            if let request = api?.request {
                operation["requestBody"] = [
                    "required": .bool(true),
                    "content": ["application/json": ["schema": render(request, into: &components)]],
                ]
            }
            var responses: [String: JSONValue] = [:]
            let status = String(api?.status.code ?? 200)
            if let response = api?.response {
                responses[status] = [
                    "description": "Success",
                    "content": ["application/json": ["schema": render(response, into: &components)]],
                ]
            } else {
                responses[status] = ["description": "Success"]
            }
            // Every status a route can answer, each in the one error shape, so a client (and the fuzz's
            // status_code_conformance) knows them all; 500 is never meant to happen and is not promised.
            for (code, meaning) in Self.errorStatuses(for: api) {
                responses[code] = ["description": .string(meaning), "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
            }
            operation["responses"] = .object(responses)
            switch api?.access {
            case .user, .company: operation["security"] = .array([["bearerAuth": .array([])]])
            case .open, nil: operation["security"] = .array([])
            }
            if let capability = api?.capability {
                operation["x-capability"] = .string(capability.rawValue)
            }
            paths[path, default: [:]][route.method.rawValue.lowercased()] = .object(operation)
        }
        components["Error"] = [
            "type": "object", "required": .array(["error"]),
            "properties": ["error": [
                "type": "object", "required": .array(["code", "message"]),
                "properties": [
                    "code": ["type": "string"], "message": ["type": "string"],
                    "fields": ["type": "array", "items": [
                        "type": "object", "properties": ["field": ["type": "string"], "message": ["type": "string"]],
                    ]],
                ],
            ]],
        ]
        return [
            "openapi": "3.1.0",
            "info": ["title": "FinSync360 API", "version": .string(version)],
            "paths": .object(paths.mapValues { JSONValue.object($0) }),
            "components": [
                "schemas": .object(components),
                "securitySchemes": ["bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]],
            ],
        ]
    }

    /// The error answers of a route: malformed or invalid input, conflicts, limits and overload for all; sign-in
    /// and access for protected ones.
    static func errorStatuses(for api: APIRoute?) -> [(String, String)] {
        var out = [("400", "Malformed request (bad JSON, a query parameter of the wrong type)"),
                   ("404", "Not found, or not yours"), ("405", "Method not allowed here"), ("409", "Conflict with the current state (a lock, a duplicate, an import already running)"),
                   ("410", "Gone: a revoked or expired link"), ("413", "Request body too large"), ("415", "Unsupported media type"), ("422", "Invalid fields, each named"),
                   ("429", "Rate limited; see Retry-After"), ("503", "Busy; retry after Retry-After")]
        switch api?.access {
        case .user, .company: out += [("401", "Not signed in, or the token expired"), ("403", "Your role does not allow this")]
        case .open, nil: out += [("401", "Wrong credentials or token"), ("403", "Refused")]
        }
        return out.sorted { $0.0 < $1.0 }
    }

    static func render(_ schema: Schema, into components: inout [String: JSONValue]) -> JSONValue {
        switch schema {
        case .ref(let name, let inner):
            if components[name] == nil {
                components[name] = .null  // placeholder guards against recursion
                components[name] = render(inner, into: &components)
            }
            return ["$ref": .string("#/components/schemas/\(name)")]
        case .nullable(let inner):
            return ["oneOf": .array([render(inner, into: &components), ["type": "null"]])]
        case .string(let rule):
            var out: [String: JSONValue] = ["type": "string"]
            if rule.minLength > 0 { out["minLength"] = .int(Int64(rule.minLength)) }
            out["maxLength"] = .int(Int64(rule.maxLength))
            if let f = rule.format { out["format"] = .string(f) }
            if let allowed = rule.allowed { out["enum"] = .array(allowed.map(JSONValue.string)) }
            if let d = rule.description { out["description"] = .string(d) }
            return .object(out)
        case .integer(let minimum, let maximum):
            var out: [String: JSONValue] = ["type": "integer"]
            if let minimum { out["minimum"] = .int(minimum) }
            if let maximum { out["maximum"] = .int(maximum) }
            return .object(out)
        case .boolean:
            return ["type": "boolean"]
        case .any:
            return [:]
        case .array(let element):
            return ["type": "array", "items": render(element, into: &components)]
        case .object(let properties):
            var props: [String: JSONValue] = [:]
            for p in properties { props[p.name] = render(p.schema, into: &components) }
            var out: [String: JSONValue] = ["type": "object", "properties": .object(props)]
            let required = properties.filter(\.required).map { JSONValue.string($0.name) }
            if !required.isEmpty { out["required"] = .array(required) }
            if !properties.isEmpty { out["additionalProperties"] = .bool(false) }
            return .object(out)
        }
    }
}

extension JSONValue: ExpressibleByArrayLiteral, ExpressibleByBooleanLiteral {
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
}
