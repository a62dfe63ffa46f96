import Foundation
import Logging

/// One JSON object per line on standard error, for log collectors in production.
struct JSONLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "ts": .string(AuditTimestamp.string(from: Date())),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "msg": .string(event.message.description),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged { fields[key] = .string(value.description) }
        FileHandle.standardError.write(Data((JSONValue.object(fields).canonical + "\n").utf8))
    }
}
