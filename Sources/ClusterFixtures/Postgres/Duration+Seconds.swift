extension Duration {
    /// The duration in seconds, as a Double: what reports and evidence print.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
