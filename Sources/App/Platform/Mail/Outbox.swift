import Fluent
import SQLKit
import Vapor

/// Email leaves through a table: a change that sends mail (registration, an invitation, a reset) writes its message
/// in the same transaction, so a rolled-back change sends nothing and a crash after commit loses nothing. A sender
/// hands pending messages to SMTP when `FINSYNC_SMTP_URL` is set, retrying with growing pauses.
enum Outbox {
    static func enqueue(_ message: MailMessage, on db: any Database, now: Date = Date()) async throws {
        try await db.sql().raw("""
            INSERT INTO email_outbox (id, to_address, subject, body, created_at, attempts, next_attempt_at)
            VALUES (\(bind: UUID()), \(bind: message.to), \(bind: message.subject), \(bind: message.body), \(bind: now), 0, \(bind: now))
            """).run()
    }

    private struct Pending: Decodable {
        var id: UUID
        var to_address: String
        var subject: String
        var body: String
        var attempts: Int64
    }

    /// Sends what is due; returns how many were sent. Each message is claimed (its next attempt moved five minutes
    /// on, if no one else moved it first) before it is sent, so two instances draining at once do not both send it.
    @discardableResult
    static func drain(_ app: Application, limit: Int = 50, now: Date = Date()) async -> Int {
        guard let smtp = app.config.smtp else { return 0 }
        let sql = app.db.sql()
        var sent = 0
        do {
            let due = try await sql.raw("""
                SELECT id, to_address, subject, body, attempts FROM email_outbox
                WHERE sent_at IS NULL AND next_attempt_at <= \(bind: now) ORDER BY created_at LIMIT \(bind: limit)
                """).all(decoding: Pending.self)
            for message in due {
                let claimed = try await sql.raw("""
                    UPDATE email_outbox SET next_attempt_at = \(bind: now.addingTimeInterval(300))
                    WHERE id = \(bind: message.id) AND sent_at IS NULL AND attempts = \(bind: message.attempts)
                      AND next_attempt_at <= \(bind: now) RETURNING id
                    """).first()
                guard claimed != nil else { continue }
                do {
                    try await SMTPClient.send(.init(to: message.to_address, subject: message.subject, body: message.body),
                                              via: smtp, group: app.eventLoopGroup)
                    try await sql.raw("UPDATE email_outbox SET sent_at = \(bind: Date()), attempts = attempts + 1, last_error = NULL WHERE id = \(bind: message.id)").run()
                    sent += 1
                } catch {
                    // 1, 2, 4 … minutes, at most six hours apart; the reason is kept for `finsync` operators.
                    let pause = min(21_600, 60 * pow(2, Double(min(message.attempts, 20))))
                    let reason = String(String(describing: error).prefix(500))
                    try await sql.raw("""
                        UPDATE email_outbox SET attempts = attempts + 1, last_error = \(bind: reason),
                        next_attempt_at = \(bind: Date().addingTimeInterval(pause)) WHERE id = \(bind: message.id)
                        """).run()
                    app.logger.warning("mail to the outbox's message \(message.id) not sent: \(reason)")
                }
            }
        } catch {
            app.logger.error("outbox: \(String(describing: error))")
        }
        return sent
    }

    /// While `serve` runs: every few seconds, so a reset link arrives while the person is still waiting for it.
    static func loop(_ app: Application) async {
        if app.config.smtp == nil {
            app.logger.notice(app.config.production
                ? "FINSYNC_SMTP_URL is not set: email verification, invitations and password resets wait in the outbox until it is"
                : "FINSYNC_SMTP_URL is not set: email is not sent and email verification is skipped (development)")
            return
        }
        while !Task.isCancelled {
            await drain(app)
            try? await Task.sleep(for: .seconds(3))
        }
    }
}
