/// The four phases of the lifecycle, each a test target of its own.
public enum Phase: Int, Sendable, CustomStringConvertible {
    case baseline = 1, distribute, reshard, undistribute

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

    public var description: String { "Phase \(rawValue)" }
}
