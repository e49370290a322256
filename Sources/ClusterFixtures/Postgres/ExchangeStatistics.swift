/// What one connection's calls cost on the wire: how many exchanges with the server (a statement,
/// a script or a COPY sent, every reply read: one round trip each) and how long they took from
/// sending to the last reply. The load benchmark divides them by transactions to say where a
/// transaction's time goes: on the wire and in the server, or in the client between calls.
public struct ExchangeStatistics: Sendable, Equatable {
    public var exchanges = 0
    public var seconds = 0.0

    public init(exchanges: Int = 0, seconds: Double = 0) {
        self.exchanges = exchanges
        self.seconds = seconds
    }

    public static func + (a: Self, b: Self) -> Self {
        Self(exchanges: a.exchanges + b.exchanges, seconds: a.seconds + b.seconds)
    }
}
