import CLibPQ
import Foundation

/// One libpq connection to one node.
///
/// Calls block the calling thread, as libpq does. The suite runs one phase at a time (see
/// `ClusterLock`), so a blocked call holds one of the two threads of the concurrency pool here and
/// nothing else waits on it. Not thread-safe: one owner at a time.
public final class Connection: @unchecked Sendable {
    /// `coordinator (127.0.0.1:9700)`: every error carries it.
    public let node: String
    private var handle: OpaquePointer?
    private let notices: NoticeBox

    /// Connects with a bounded wait: `connect_timeout` makes an unreachable host fail in seconds.
    public init(label: String, address: NodeAddress, database: String, user: String, password: String,
                connectTimeoutSeconds: Int = 5, applicationName: String = "citus-verify") throws {
        node = "\(label) (\(address))"
        notices = NoticeBox()
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
            throw DatabaseError(node: node, sqlState: nil,
                                message: "cannot connect: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        PQsetNoticeReceiver(handle, { context, result in
            guard let context, let result else { return }
            let box = Unmanaged<NoticeBox>.fromOpaque(context).takeUnretainedValue()
            box.append(String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines))
        }, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit { close() }

    /// Inside a transaction block (open, or failed and not yet rolled back).
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// False once closed or once libpq has seen the connection break.
    public var isOpen: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// NOTICE and WARNING messages received since the last call; Citus's hints arrive this way.
    public func takeNotices() -> [String] { notices.take() }

    /// One statement, values as parameters (`$1`, `$2`, …).
    @discardableResult
    public func query(_ sql: String, _ parameters: [any SQLParameter] = []) throws -> QueryResult {
        let handle = try openHandle()
        let texts = parameters.map(\.sqlText)
        let result = withOptionalCStrings(texts) { pointers in
            PQexecParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        }
        return try consume(result, statement: sql)
    }

    /// Any number of statements in one string, without parameters: the way psql sends a script.
    /// Returns the last statement's result.
    @discardableResult
    public func execute(_ sql: String) throws -> QueryResult {
        try consume(PQexec(try openHandle(), sql), statement: sql)
    }

    /// `COPY … FROM STDIN` with the rows already in COPY's text format.
    public func copyIn(_ copyStatement: String, data: String) throws {
        let handle = try openHandle()
        let start = PQexec(handle, copyStatement)
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
        var failure: DatabaseError?
        while let result = PQgetResult(handle) {
            do { _ = try consume(result, statement: copyStatement) } catch let error as DatabaseError { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// Asks the server to stop the statement running on this connection (from another thread).
    public func cancelRunningStatement() {
        guard let handle, let cancel = PQgetCancel(handle) else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
        PQfreeCancel(cancel)
    }

    private func openHandle() throws -> OpaquePointer {
        guard let handle else { throw DatabaseError(node: node, message: "connection is closed") }
        if PQstatus(handle) != CONNECTION_OK {
            throw DatabaseError(node: node, message: "connection lost: \(String(cString: PQerrorMessage(handle)))")
        }
        return handle
    }

    private func lastError(statement: String) -> DatabaseError {
        DatabaseError(node: node, message: String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines),
                      location: Self.excerpt(statement))
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
            throw DatabaseError(node: node, sqlState: field("C"),
                                message: field("M") ?? String(cString: PQresultErrorMessage(result)),
                                detail: field("D"), hint: field("H"), location: Self.excerpt(statement))
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let rows = (0..<Int(PQntuples(result))).map { row in
            Row(columns: columns, values: (0..<columnCount).map { column -> String? in
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

/// Notices arrive on libpq's callback; kept in a class so the callback can reach them by pointer.
private final class NoticeBox: @unchecked Sendable {
    private var messages: [String] = []
    private let lock = NSLock()
    func append(_ message: String) { lock.withLock { messages.append(message) } }
    func take() -> [String] { lock.withLock { defer { messages = [] }; return messages } }
}

/// C strings that stay alive for the whole call (libpq reads them during it, not after).
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>]) -> R) -> R {
    let pointers = strings.map { strdup($0)! }
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

private func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { $0.map { strdup($0)! } }
    defer { pointers.forEach { $0.map { free($0) } } }
    return body(pointers.map { $0.map { UnsafePointer($0) } })
}
