import CLibPQ
import Foundation

/// One libpq connection to one node.
///
/// Calls block the calling thread, as libpq does, but never without a bound: every reply is
/// waited for at most `replyDeadline` on the client side (`statement_timeout` cannot help when the
/// client waits on a reply that never comes: a silent network, a protocol out of step). Calls from
/// several threads are serialized, one statement at a time, so a shared connection (a node's kept
/// one, read by a watcher while the test body asks it too) never interleaves two exchanges.
public final class Connection: @unchecked Sendable {
    /// `coordinator (127.0.0.1:9700)`: every error carries it.
    public let node: String
    /// How long a call waits for the server's reply before it cancels the statement and fails
    /// naming what the server showed of it. `Cluster.connect` sets the configured one
    /// (`CITUS_VERIFY_QUERY_DEADLINE`); long operations that bound themselves (`runWatched`) set
    /// theirs from their limit.
    public var replyDeadline: Duration {
        get { calls.withLock { deadline } }
        set { calls.withLock { deadline = newValue } }
    }
    private var deadline: Duration
    private var counted = ExchangeStatistics()
    /// Statements prepared on this connection by `queryPrepared`, by their text.
    private var preparedNames: [String: String] = [:]
    private var handle: OpaquePointer?
    private let notices: NoticeBox
    /// Held for a whole exchange (send, every reply); `cancelRunningStatement` does not take it.
    private let calls = NSLock()
    /// Guards freeing `handle` against a cancel read from another thread.
    private let handleLock = NSLock()
    /// False for the short-lived probe that reads what the server shows of a late reply: a probe
    /// that is late itself is not diagnosed again.
    private var diagnoses = true
    private let address: NodeAddress
    private let credentials: (database: String, user: String, password: String)

    /// Connects with a bounded wait: `connect_timeout` makes an unreachable host fail in seconds.
    public init(
        label: String, address: NodeAddress, database: String, user: String, password: String,
        connectTimeoutSeconds: Int = 5, applicationName: String = "citus-verify"
    ) throws {
        node = "\(label) (\(address))"
        notices = NoticeBox()
        self.address = address
        credentials = (database, user, password)
        deadline = ReplyDeadline.fallback
        let settings: [(String, String)] = [
            ("host", address.host),
            ("port", String(address.port)),
            ("dbname", database),
            ("user", user),
            ("password", password),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("application_name", applicationName),
            // Timestamps in checksums and results must not depend on the server's time zone.
            ("options", "-c TimeZone=UTC -c extra_float_digits=3"),
        ]
        handle = withCStrings(settings.map(\.0)) { keywords in
            withCStrings(settings.map(\.1)) { values in
                var keywordList = keywords.map { UnsafePointer($0) } + [nil]
                var valueList = values.map { UnsafePointer($0) } + [nil]
                return PQconnectdbParams(&keywordList, &valueList, 0)
            }
        }
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let handle { PQfinish(handle) }
            self.handle = nil
            throw DatabaseError(
                node: node, sqlState: nil,
                message: "cannot connect: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        PQsetNoticeReceiver(
            handle,
            { context, result in
                guard let context, let result else { return }
                let box = Unmanaged<NoticeBox>.fromOpaque(context).takeUnretainedValue()
                box.append(
                    String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines))
            }, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit { closeHandle() }

    /// Inside a transaction block (open, or failed and not yet rolled back).
    public var isInTransaction: Bool {
        calls.withLock {
            guard let handle else { return false }
            let status = PQtransactionStatus(handle)
            return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
        }
    }

    /// False once closed or once libpq has seen the connection break. A connection in the middle
    /// of a call counts as open (without waiting for the call: a caller holding a lock of its own,
    /// like the cluster's connection cache, must not wait on another thread's statement).
    public var isOpen: Bool {
        guard calls.try() else { return true }
        defer { calls.unlock() }
        return handle.map { PQstatus($0) == CONNECTION_OK } ?? false
    }

    /// Closes the connection once the call under way, if any, has ended; a call that does not end
    /// within a second is cancelled, and one that still holds on after 10 s more is left to its
    /// own deadline (the connection then stays open: closing it under a running call would free
    /// what that call is using).
    public func close() {
        if !calls.lock(before: Date() + 1) {
            cancelRunningStatement()
            guard calls.lock(before: Date() + 10) else { return }
        }
        defer { calls.unlock() }
        closeHandle()
    }

    private func closeHandle() {
        handleLock.withLock {
            if let handle { PQfinish(handle) }
            handle = nil
        }
    }

    /// NOTICE and WARNING messages received since the last call; Citus's hints arrive this way.
    public func takeNotices() -> [String] { notices.take() }

    /// One statement, values as parameters (`$1`, `$2`, …).
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLParameter] = []) throws -> QueryResult {
        try exchange { handle in
            let texts = parameters.map(\.sqlText)
            let sent = withOptionalCStrings(texts) { pointers in
                PQsendQueryParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
            }
            guard sent == 1 else { throw lastError(statement: sql) }
            return try consume(try awaitLastResult(handle, statement: sql), statement: sql)
        }
    }

    /// One statement prepared once on this connection (the first call sends `Parse` under a name
    /// of its own, one exchange), then executed by name with `parameters`: the server parses it
    /// once and plans it as PostgreSQL's plan cache decides, where `query` has it parsed and planned
    /// on every call. For statements a connection sends over and over (the load generator's); a
    /// preparation that fails leaves nothing behind and is tried again on the next call.
    @discardableResult
    public func queryPrepared(_ sql: String, _ parameters: [any SQLParameter] = []) throws -> QueryResult {
        try exchange { handle in
            let name = try preparedName(sql, parameters: parameters.count, on: handle)
            let sent = withOptionalCStrings(parameters.map(\.sqlText)) { pointers in
                PQsendQueryPrepared(handle, name, Int32(pointers.count), pointers, nil, nil, 0)
            }
            guard sent == 1 else { throw lastError(statement: sql) }
            return try consume(try awaitLastResult(handle, statement: sql), statement: sql)
        }
    }

    /// Several statements sent together and answered in one round trip (libpq's pipeline mode):
    /// `BEGIN` with a transaction's first statement, say. Returns each statement's result in
    /// order; the first failure is thrown, and the statements after it did not run (the server
    /// skips them up to the pipeline's end). Past the reply deadline the connection is closed:
    /// what the statements did is unknown.
    @discardableResult
    public func pipeline(_ statements: [PipelinedStatement]) throws -> [QueryResult] {
        guard let first = statements.first else { return [] }
        return try exchange { handle in
            var names: [String?] = []
            for statement in statements {
                names.append(
                    statement.prepared
                        ? try preparedName(statement.sql, parameters: statement.parameters.count, on: handle) : nil)
            }
            guard PQenterPipelineMode(handle) == 1 else { throw lastError(statement: first.sql) }
            // Out of pipeline mode at the end, or closed: a connection closed below is not touched
            // again (its handle is freed), and one that cannot leave pipeline mode (commands queued
            // and unanswered after a failed send) would leave the next call without replies.
            defer {
                if self.handle != nil, PQpipelineStatus(handle) != PQ_PIPELINE_OFF, PQexitPipelineMode(handle) == 0 {
                    closeHandle()
                }
            }
            for (statement, name) in zip(statements, names) {
                let sent = withOptionalCStrings(statement.parameters.map(\.sqlText)) { pointers in
                    name.map { PQsendQueryPrepared(handle, $0, Int32(pointers.count), pointers, nil, nil, 0) }
                        ?? PQsendQueryParams(handle, statement.sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
                }
                guard sent == 1 else { throw lastError(statement: statement.sql) }
            }
            guard PQpipelineSync(handle) == 1 else { throw lastError(statement: first.sql) }
            let limit = deadline
            let expires = ContinuousClock.now + limit
            func next() throws -> OpaquePointer? {
                guard waitUntilReadable(handle, until: expires) else {
                    let showed = diagnoses ? serverActivity(of: PQbackendPID(handle)) : "nothing read"
                    cancelRunningStatement()
                    closeHandle()
                    throw ReplyDeadlineExceeded(
                        node: node, statement: Self.excerpt(statements.map(\.sql).joined(separator: "; ")),
                        limit: limit, serverShowed: showed, connectionClosed: true)
                }
                return PQgetResult(handle)
            }
            // Each statement's reply (one result, then nil), then the pipeline's end.
            var replies: [OpaquePointer?] = []
            defer { for reply in replies { if let reply { PQclear(reply) } } }
            for _ in statements {
                var reply: OpaquePointer?
                while let result = try next() {
                    if reply == nil { reply = result } else { PQclear(result) }
                }
                replies.append(reply)
            }
            let end = try next()
            let synced = end.map { PQresultStatus($0) == PGRES_PIPELINE_SYNC } ?? false
            if let end { PQclear(end) }
            if !synced {
                // The connection broke mid-pipeline: closed, and the first statement's failure (a
                // terminated session's 57P01, say) thrown rather than a failure of our own.
                closeHandle()
                for index in statements.indices {
                    guard let reply = replies[index], PQresultStatus(reply) == PGRES_FATAL_ERROR else { continue }
                    replies[index] = nil
                    _ = try consume(reply, statement: statements[index].sql)
                }
                throw DatabaseError(node: node, message: "the pipeline's end did not come after its statements")
            }
            var results: [QueryResult] = []
            for (index, statement) in statements.enumerated() {
                let reply = replies[index]
                replies[index] = nil
                // consume() frees the reply; a failure is the first (the rest were skipped).
                results.append(try consume(reply, statement: statement.sql))
            }
            return results
        }
    }

    /// The name `sql` is prepared under on this connection, preparing it first (one exchange)
    /// when it is not yet. Called inside an exchange.
    private func preparedName(_ sql: String, parameters: Int, on handle: OpaquePointer) throws -> String {
        if let known = preparedNames[sql] { return known }
        let name = "citus_verify_\(preparedNames.count + 1)"
        guard PQsendPrepare(handle, name, sql, Int32(parameters), nil) == 1 else { throw lastError(statement: sql) }
        _ = try consume(try awaitLastResult(handle, statement: sql), statement: sql)
        preparedNames[sql] = name
        counted.exchanges += 1
        return name
    }

    /// Any number of statements in one string, without parameters: the way psql sends a script.
    /// Returns the last statement's result (the first failure's, when one fails).
    @discardableResult
    public func execute(_ sql: String) throws -> QueryResult {
        try exchange { handle in
            guard PQsendQuery(handle, sql) == 1 else { throw lastError(statement: sql) }
            return try consume(try awaitLastResult(handle, statement: sql), statement: sql)
        }
    }

    /// `COPY … FROM STDIN` with the rows already in COPY's text format.
    public func copyIn(_ copyStatement: String, data: String) throws {
        try exchange { handle in
            guard PQsendQuery(handle, copyStatement) == 1 else { throw lastError(statement: copyStatement) }
            let start = try awaitLastResult(handle, statement: copyStatement)
            guard PQresultStatus(start) == PGRES_COPY_IN else {
                _ = try consume(start, statement: copyStatement)
                throw DatabaseError(node: node, message: "COPY did not start: \(copyStatement)")
            }
            PQclear(start)
            var utf8 = Array(data.utf8)
            let chunk = 1 << 20
            var offset = 0
            while offset < utf8.count {
                let length = min(chunk, utf8.count - offset)
                let sent = utf8.withUnsafeMutableBufferPointer { buffer in
                    buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: length) {
                        PQputCopyData(handle, $0, Int32(length))
                    }
                }
                guard sent == 1 else { throw lastError(statement: copyStatement) }
                offset += length
            }
            guard PQputCopyEnd(handle, nil) == 1 else { throw lastError(statement: copyStatement) }
            _ = try consume(try awaitLastResult(handle, statement: copyStatement), statement: copyStatement)
        }
    }

    /// Asks the server to stop the statement running on this connection (from another thread).
    /// Bounded too: libpq's cancel opens a connection of its own with no timeout, which a silent
    /// network would hold forever, so it runs on a thread of its own and is given up after 5 s.
    public func cancelRunningStatement() {
        let cancel = handleLock.withLock { handle.flatMap { PQgetCancel($0) } }
        guard let cancel else { return }
        let request = CancelRequest(cancel)
        _ = BlockingWork("cancel on \(node)") { request.send() }.wait(.seconds(5))
    }

    /// Exchanges since the connection opened, and their time from sending to the last reply.
    public var statistics: ExchangeStatistics { calls.withLock { counted } }

    /// One exchange with the server, holding the call lock throughout, counted and timed.
    private func exchange<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        try calls.withLock {
            let handle = try openHandle()
            let started = ContinuousClock.now
            defer {
                counted.exchanges += 1
                counted.seconds += started.duration(to: .now).seconds
            }
            return try body(handle)
        }
    }

    private func openHandle() throws -> OpaquePointer {
        guard let handle else { throw DatabaseError(node: node, message: "connection is closed") }
        if PQstatus(handle) != CONNECTION_OK {
            throw DatabaseError(node: node, message: "connection lost: \(String(cString: PQerrorMessage(handle)))")
        }
        return handle
    }

    private func lastError(statement: String) -> DatabaseError {
        DatabaseError(
            node: node,
            message: String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines),
            location: Self.excerpt(statement))
    }

    /// Every reply to what was just sent, waited for within `deadline`: the last result, the
    /// first failure's in its place when a statement failed, or the COPY IN result that asks for
    /// data. Past the deadline: what the server shows of this session is read on a connection of
    /// its own, the statement cancelled (then, without a reply, the connection closed) and
    /// `ReplyDeadlineExceeded` thrown.
    private func awaitLastResult(_ handle: OpaquePointer, statement: String) throws -> OpaquePointer {
        let limit = deadline
        let expires = ContinuousClock.now + limit
        var last: OpaquePointer?
        var failure: OpaquePointer?
        func keep(_ result: OpaquePointer?, in slot: inout OpaquePointer?) {
            if let old = slot { PQclear(old) }
            slot = result
        }
        while true {
            if !waitUntilReadable(handle, until: expires) {
                keep(nil, in: &last)
                keep(nil, in: &failure)
                let showed =
                    diagnoses
                    ? serverActivity(of: PQbackendPID(handle)) : "nothing read (a probe is not diagnosed again)"
                cancelRunningStatement()
                // Kept open only when the server says the statement was cancelled: then nothing of it
                // holds. Any other ending (it finished after all, no reply, a COPY) leaves its outcome
                // unknown, and the connection is closed so that callers treat it as in doubt.
                let cancelled = drainAfterCancel(handle, until: .now + .seconds(5))
                if !cancelled { closeHandle() }
                throw ReplyDeadlineExceeded(
                    node: node, statement: Self.excerpt(statement), limit: limit, serverShowed: showed,
                    connectionClosed: !cancelled)
            }
            guard let result = PQgetResult(handle) else { break }
            switch PQresultStatus(result) {
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                keep(nil, in: &last)
                keep(nil, in: &failure)
                return result
            case PGRES_FATAL_ERROR, PGRES_BAD_RESPONSE, PGRES_NONFATAL_ERROR:
                if failure == nil { failure = result } else { PQclear(result) }
            default:
                keep(result, in: &last)
            }
        }
        if let failure {
            keep(nil, in: &last)
            return failure
        }
        guard let last else { throw lastError(statement: statement) }
        return last
    }

    /// The replies left after a cancel, each waited for until `expires`. True only when one of them
    /// is the cancel's own error (57014) and the connection is idle and usable again.
    private func drainAfterCancel(_ handle: OpaquePointer, until expires: ContinuousClock.Instant) -> Bool {
        var cancelled = false
        while true {
            guard waitUntilReadable(handle, until: expires), PQstatus(handle) == CONNECTION_OK else { return false }
            guard let result = PQgetResult(handle) else { return cancelled }
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH { return false }
            if let code = PQresultErrorField(result, Int32(Character("C").asciiValue!)),
                String(cString: code) == "57014"
            {
                cancelled = true
            }
        }
    }

    /// Waits until a whole reply can be read without blocking (true), or `expires` passes (false).
    /// A broken connection counts as readable: `PQgetResult` then reports the failure.
    private func waitUntilReadable(_ handle: OpaquePointer, until expires: ContinuousClock.Instant) -> Bool {
        let socket = PQsocket(handle)
        while PQisBusy(handle) == 1 {
            let remaining = ContinuousClock.now.duration(to: expires)
            guard remaining > .zero else { return false }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(1_000, max(1, remaining.seconds * 1_000)))
            _ = poll(&descriptor, 1, milliseconds)
            if PQconsumeInput(handle) == 0 { return true }
        }
        return true
    }

    /// What the server shows of backend `pid`, read on a short-lived connection of its own with a
    /// short deadline (no further diagnosis if that one hangs too): its state, what it waits on,
    /// and the sessions blocking it.
    private func serverActivity(of pid: Int32) -> String {
        guard pid > 0 else { return "no backend (the connection had no server process)" }
        do {
            let probe = try Connection(
                label: "\(node.split(separator: " ").first ?? "node") (deadline probe)", address: address,
                database: credentials.database, user: credentials.user, password: credentials.password,
                connectTimeoutSeconds: 3)
            probe.deadline = .seconds(5)
            probe.diagnoses = false
            defer { probe.close() }
            let rows = try probe.query(
                """
                SELECT a.state, coalesce(a.wait_event_type || ':' || a.wait_event, 'no wait event') AS wait,
                       (SELECT string_agg(format('%s (%s: %s)', b.pid, b.state, left(b.query, 80)), '; ')
                        FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid))) AS blockers
                FROM pg_stat_activity a WHERE a.pid = $1
                """, [Int(pid)]
            ).rows
            guard let row = rows.first else { return "backend \(pid) is gone from pg_stat_activity" }
            let state: String = (try? row.optional("state", as: String.self)).flatMap { $0 } ?? "unknown"
            let wait: String = (try? row.get("wait", as: String.self)) ?? "?"
            let blockers: String? = (try? row.optional("blockers", as: String.self)).flatMap { $0 }
            return "backend \(pid) \(state), waiting on \(wait)" + (blockers.map { ", blocked by \($0)" } ?? "")
        } catch {
            return "backend \(pid): could not be read (\(error))"
        }
    }

    private func consume(_ result: OpaquePointer?, statement: String) throws -> QueryResult {
        guard let result else { throw lastError(statement: statement) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            break
        default:
            func field(_ code: Character) -> String? {
                guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
                return String(cString: pointer)
            }
            throw DatabaseError(
                node: node, sqlState: field("C"),
                message: field("M") ?? String(cString: PQresultErrorMessage(result)),
                detail: field("D"), hint: field("H"), location: Self.excerpt(statement))
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let rows = (0..<Int(PQntuples(result))).map { row in
            Row(
                columns: columns,
                values: (0..<columnCount).map { column -> String? in
                    PQgetisnull(result, Int32(row), Int32(column)) == 1
                        ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
                }, source: node)
        }
        return QueryResult(columns: columns, rows: rows, commandTag: String(cString: PQcmdStatus(result)))
    }

    static func excerpt(_ statement: String) -> String {
        let flat = statement.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("--") }.joined(separator: " ")
        return flat.count > 120 ? "query \"\(flat.prefix(117))...\"" : "query \"\(flat)\""
    }
}

/// libpq's cancel object, sent from a thread of its own (see `cancelRunningStatement`) and freed
/// there once sent.
private final class CancelRequest: @unchecked Sendable {
    private let cancel: OpaquePointer
    init(_ cancel: OpaquePointer) { self.cancel = cancel }
    func send() {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
        PQfreeCancel(cancel)
    }
}

/// Notices arrive on libpq's callback; kept in a class so the callback can reach them by pointer.
private final class NoticeBox: @unchecked Sendable {
    private var messages: [String] = []
    private let lock = NSLock()
    func append(_ message: String) { lock.withLock { messages.append(message) } }
    func take() -> [String] {
        lock.withLock {
            defer { messages = [] }
            return messages
        }
    }
}

/// C strings that stay alive for the whole call (libpq reads them during it, not after).
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>]) -> R) -> R {
    let pointers = strings.map { strdup($0)! }
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}

private func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { $0.map { strdup($0)! } }
    defer { for pointer in pointers { if let pointer { free(pointer) } } }
    return body(pointers.map { $0.map { UnsafePointer($0) } })
}
