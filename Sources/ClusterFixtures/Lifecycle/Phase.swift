/// The four phases of the lifecycle, each a test target of its own.
public enum Phase: Int, Sendable, CustomStringConvertible {
    case baseline = 1
    case distribute, reshard, undistribute

    /// The stage the phase starts from; Phase 1 always starts from nothing.
    public var startStage: LifecycleStage? {
        switch self {
        case .baseline: nil
        case .distribute: .baseline
        case .reshard: .distributed
        case .undistribute: .resharded
        }
    }

    public var needsCitus: Bool { self != .baseline }

    /// Seconds each long Citus operation of a phase may take before it is cancelled and reported
    /// as stalled: far above what the slowest (the rebalance with writers) takes on the embedded
    /// cluster, where all four phases together take under two minutes (the README's matrix): a
    /// bound against a hang, not a target.
    public static let operationTimeLimit: Duration = .seconds(300)

    public var description: String { "Phase \(rawValue)" }
}
