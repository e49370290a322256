/// Bytes as a person reads them: KiB, MiB or GiB (the one formatter of stats, preflight and progress).
public enum ByteCount {
    public static func text(_ bytes: Int64) -> String {
        bytes >= 1 << 30
            ? String(format: "%.1f GiB", Double(bytes) / 1_073_741_824)
            : bytes >= 1 << 20
                ? String(format: "%.1f MiB", Double(bytes) / 1_048_576)
                : String(format: "%.0f KiB", Double(bytes) / 1024)
    }
}
