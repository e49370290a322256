import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on loopback between Citus and one worker, which the suite switches between passing
/// bytes, resetting every connection, and silently holding every byte (no reset: the peers see a
/// connection that has gone quiet). Registering a worker under the relay's port puts it between
/// that worker and everything that reaches it by its registered name: the coordinator, the
/// rebalancer, and the other workers' replication.
///
/// Written rather than taken: Toxiproxy needs a Go toolchain and Citus's own fault tool a
/// mitmproxy build, neither among this project's dependencies, and socat or an nftables rule
/// cannot switch one connection's behaviour at an exact step. Plain POSIX sockets, two threads
/// per connection.
public final class FaultProxy: @unchecked Sendable {
    public enum Mode: String, Sendable {
        /// Bytes flow both ways.
        case pass
        /// Every open connection is reset (RST) and every new one is reset on arrival.
        case reset
        /// Bytes are held, not delivered and not refused: the connection goes silent.
        case blackhole
        /// Connections open now still pass; every one made from now on is held silently (a
        /// subscription's apply worker connecting after a move's copy, say).
        case blackholeNew
    }

    /// The relay's own address, to register the worker under.
    public let address: NodeAddress
    public let upstream: NodeAddress
    private let listener: Int32
    private let lock = NSLock()
    private var mode: Mode = .pass
    private var pairs: [ObjectIdentifier: Pair] = [:]
    private var closed = false
    private var accepted = 0

    /// One relayed connection: the client's socket and ours to the worker.
    private final class Pair: @unchecked Sendable {
        let client: Int32, server: Int32
        var directionsLeft = 2
        var done = false
        var reset = false
        /// Held silently whatever the mode (made while the mode was blackholeNew).
        var held = false
        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }
    }

    /// Listens on 127.0.0.1 at a free port and relays to `upstream`.
    public init(to upstream: NodeAddress) throws {
        self.upstream = upstream
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FaultProxyError(what: "socket", code: errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var local = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            Glibc.close(fd)
            throw FaultProxyError(what: "bind/listen on 127.0.0.1", code: errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        address = NodeAddress(host: "127.0.0.1", port: Int(UInt16(bigEndian: local.sin_port)))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "fault proxy \(address)"
        thread.start()
    }

    /// Switches every connection, open and future, to `mode`.
    public func set(_ mode: Mode) {
        let open: [Pair] = lock.withLock {
            self.mode = mode
            return mode == .reset ? Array(pairs.values) : []
        }
        for pair in open { end(pair, reset: true) }
    }

    /// Ends `pair`: both sockets shut down, which wakes its two relay threads; the last of them to
    /// leave closes the sockets (with a reset when asked). Only relay threads close a relayed socket
    /// and only the accept thread the listener: a descriptor closed while another thread may still
    /// read or write it can be handed out again meanwhile (a libpq connection of the tests, say).
    private func end(_ pair: Pair, reset: Bool) {
        let first: Bool = lock.withLock {
            guard !pair.done else { return false }
            pair.done = true
            pair.reset = reset
            return true
        }
        guard first else { return }
        for fd in [pair.client, pair.server] { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Connections accepted so far.
    public var connections: Int { lock.withLock { accepted } }

    /// Stops listening and resets whatever is open.
    public func close() {
        let open: [Pair]? = lock.withLock {
            guard !closed else { return nil }
            closed = true
            return Array(pairs.values)
        }
        guard let open else { return }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))  // wakes accept; the accept thread closes it
        for pair in open { end(pair, reset: true) }
    }

    // No deinit: the accept and relay threads hold the relay until `close()`, which the owner
    // must call (a deinit that closed it could never run).

    private func acceptLoop() {
        defer { Glibc.close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if lock.withLock({ closed }) {
                if client >= 0 { Self.resetSocket(client) }
                return
            }
            if client < 0 { continue }
            let current: Mode = lock.withLock {
                accepted += 1
                return mode
            }
            if current == .reset {
                Self.resetSocket(client)
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var remote = Self.loopback(port: upstream.port, host: upstream.host)
            let connected = withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                Self.resetSocket(client)
                Glibc.close(server)
                continue
            }
            let pair = Pair(client: client, server: server)
            pair.held = current == .blackholeNew
            lock.withLock { pairs[ObjectIdentifier(pair)] = pair }
            for (from, to) in [(client, server), (server, client)] {
                let worker = Thread { [self] in relay(pair, from: from, to: to) }
                worker.name = "fault proxy relay"
                worker.stackSize = 256 << 10
                worker.start()
            }
        }
    }

    /// Copies bytes from `from` to `to` until either side ends; held while the mode says so.
    private func relay(_ pair: Pair, from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        defer {
            // This direction is over: pass the end on; the last direction out closes both sockets.
            let (last, reset): (Bool, Bool) = lock.withLock {
                pair.directionsLeft -= 1
                if pair.directionsLeft > 0 { return (false, false) }
                pairs[ObjectIdentifier(pair)] = nil
                return (true, pair.reset)
            }
            if last {
                if reset {
                    Self.resetSocket(pair.client)
                    Self.resetSocket(pair.server)
                } else {
                    Glibc.close(pair.client)
                    Glibc.close(pair.server)
                }
            } else {
                Glibc.shutdown(to, Int32(SHUT_WR))
            }
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            while lock.withLock({
                (mode == .blackhole || (pair.held && mode == .blackholeNew)) && !closed && !pair.done
            }) { usleep(20_000) }
            if lock.withLock({ pair.done }) { return }
            var sent = 0
            while sent < count {
                // send with MSG_NOSIGNAL: a peer gone mid-write must end this relay, not raise
                // SIGPIPE and take the whole test process down.
                let wrote = buffer.withUnsafeBytes {
                    send(to, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL))
                }
                guard wrote > 0 else { return }
                sent += wrote
            }
        }
    }

    /// Closes `fd` with SO_LINGER 0: the peer gets a reset, not an orderly end.
    private static func resetSocket(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.close(fd)
    }

    private static func loopback(port: Int, host: String = "127.0.0.1") -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr)
        return address
    }
}

/// The relay could not be set up.
public struct FaultProxyError: Error, CustomStringConvertible {
    public var what: String
    public var code: Int32
    public var description: String { "fault proxy: \(what) failed: \(String(cString: strerror(code)))" }
}
