import Foundation
import Logging
import Vapor

/// Starts FinSync360: reads settings, sets up logging, configures the application and runs the chosen command.
/// A setting a person must fix ends the process with one line naming it, never a stack trace.
public enum Entrypoint {
    public static func main() async -> Int32 {
        do {
            var env = try Environment.detect()
            let config = try AppConfig.fromEnvironment(production: env.isRelease || env == .production)
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = config.jsonLogs ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = config.logLevel
                return QueryLogFilter(inner: handler)
            }
            let app = try await Application.make(env)
            var failure: (any Error)?
            do {
                try await configure(app, config: config)
                try await app.startup()
                try await app.running?.onStop.get()
            } catch {
                failure = error
            }
            try? await app.asyncShutdown()
            if let failure { throw failure }
            return 0
        } catch let error as StartupError {
            FileHandle.standardError.write(Data("finsync: \(error)\n".utf8))
            return 1
        } catch {
            FileHandle.standardError.write(Data("finsync: \(error)\n".utf8))
            return 1
        }
    }
}
