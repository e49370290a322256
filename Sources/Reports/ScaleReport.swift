import ClusterFixtures
import Foundation

/// The scale curve: the lifecycle measured at each scale (`ScaleBenchmark.Step`), with the growth
/// from one scale to the next, as Markdown, JSON and an SVG chart (seconds against rows, both on
/// log axes). It reports; it judges nothing about speed.
public struct ScaleReport: Codable, Sendable {
    public var machine: [String]
    public var steps: [ScaleBenchmark.Step]

    public init(machine: [String], steps: [ScaleBenchmark.Step]) {
        self.machine = machine
        self.steps = steps.sorted { $0.scale < $1.scale }
    }

    /// Operation names in the order the lifecycle runs them.
    public var operations: [String] {
        var names: [String] = []
        for step in steps {
            for operation in step.operations where !names.contains(operation.name) { names.append(operation.name) }
        }
        return names
    }

    public func seconds(_ operation: String, at scale: Int) -> Double? {
        steps.first { $0.scale == scale }?.operations.first { $0.name == operation }?.seconds
    }

    /// Seconds at this scale over seconds at the previous scale measured (nil for the first).
    public func growth(_ operation: String, at scale: Int) -> Double? {
        guard let index = steps.firstIndex(where: { $0.scale == scale }), index > 0,
            let now = seconds(operation, at: scale), let before = seconds(operation, at: steps[index - 1].scale),
            before > 0
        else { return nil }
        return now / before
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }

    public var markdown: String {
        func number(_ value: Double) -> String {
            value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
        }
        func rate(_ value: Double) -> String {
            value >= 1_000_000
                ? String(format: "%.2fM", value / 1_000_000)
                : value >= 1_000 ? String(format: "%.0fk", value / 1_000) : String(format: "%.0f", value)
        }
        var lines = ["# Scale curve", "", "Machine: " + machine.joined(separator: "; "), ""]
        lines.append("| scale | users | orders | items | database | peak memory (benchmark) | rows intact |")
        lines.append("|---:|---:|---:|---:|---:|---:|---|")
        for step in steps {
            lines.append(
                """
                | \(step.scale) | \(step.users) | \(step.orders) | \(step.items) | \
                \(ByteCount.text(step.databaseBytes)) | \(ByteCount.text(step.peakMemoryBytes)) | \
                \(step.rowsIntact ? "yes: every checksum equals the generator's" : "**NO: a checksum differs**") |
                """
            )
        }
        lines += ["", "Seconds per operation (rows/s; growth from the previous scale):", ""]
        lines.append("| operation | " + steps.map { "scale \($0.scale)" }.joined(separator: " | ") + " |")
        lines.append("|---|" + String(repeating: "---:|", count: steps.count))
        for name in operations {
            let cells = steps.map { step -> String in
                guard let operation = step.operations.first(where: { $0.name == name }) else { return "-" }
                var cell = "\(number(operation.seconds)) s"
                if operation.rows > 0 { cell += " (\(rate(operation.rowsPerSecond)) rows/s)" }
                if let growth = growth(name, at: step.scale) { cell += String(format: " ×%.1f", growth) }
                return cell
            }
            lines.append("| \(name) | " + cells.joined(separator: " | ") + " |")
        }
        let compared = steps.filter { $0.copyComparison != nil }
        if !compared.isEmpty {
            lines += [
                "",
                "Seed load, side by side in the same run (the same rows; psql \\copy: one stream, one transaction):",
                "",
            ]
            lines.append("| scale | runs of each side (median) | parallel COPY, rows/s | psql \\copy, rows/s | ratio |")
            lines.append("|---:|---:|---:|---:|---:|")
            for step in compared {
                let anchor = step.copyComparison!
                lines.append(
                    """
                    | \(step.scale) | \(step.copySteps?.runs ?? 1) | \(rate(anchor.ours)) | \
                    \(rate(anchor.reference)) | \(String(format: "%.2f", anchor.ratio)) |
                    """
                )
            }
            for steps in compared.compactMap(\.copySteps) {
                lines += ["", "Seed load at scale \(steps.scale), step by step:", ""] + steps.markdownTable
            }
        }
        lines += ["", "![seconds per operation against rows](scale.svg)", ""]
        return lines.joined(separator: "\n")
    }

    /// Seconds against rows, one line per operation, both axes log10.
    public var svg: String {
        let colors = [
            "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
        ]
        let width = 960.0
        let height = 460.0
        let left = 70.0
        let right = 290.0
        let bottom = 400.0
        let top = 40.0
        let rows = steps.map { Double($0.rows) }
        let seconds = steps.flatMap { $0.operations.map(\.seconds) }.filter { $0 > 0 }
        let xlo = floor(log10(rows.min() ?? 10))
        let xhi = max(ceil(log10(rows.max() ?? 100)), xlo + 1)
        let ylo = floor(log10(max(0.01, seconds.min() ?? 0.1)))
        let yhi = max(ceil(log10(seconds.max() ?? 10)), ylo + 1)
        func x(_ value: Double) -> Double { left + (log10(value) - xlo) / (xhi - xlo) * (width - left - right) }
        func y(_ value: Double) -> Double { bottom - (log10(max(value, 0.01)) - ylo) / (yhi - ylo) * (bottom - top) }
        var parts = [
            """
            <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" \
            font-family=\"sans-serif\" font-size=\"11\">
            """,
            """
            <text x=\"\(left)\" y=\"20\" font-size=\"14\">Seconds per operation against rows in the seed \
            (log-log)</text>
            """,
        ]
        for exponent in stride(from: ylo, through: yhi, by: 1) {
            let value = pow(10, exponent)
            parts.append(
                String(
                    format:
                        """
                        <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.1f\" \
                        y=\"%.1f\" text-anchor=\"end\">%g s</text>
                        """,
                    left, y(value), width - right, y(value), left - 6, y(value) + 4, value))
        }
        for exponent in stride(from: xlo, through: xhi, by: 1) {
            let value = pow(10, exponent)
            parts.append(
                String(
                    format:
                        """
                        <line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.1f\" \
                        y=\"%.1f\" text-anchor=\"middle\">%@</text>
                        """,
                    x(value), top, x(value), bottom, x(value), bottom + 16, Self.rowsLabel(value)))
        }
        parts.append(
            String(
                format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">rows (all four tables)</text>",
                (left + width - right) / 2, bottom + 36))
        for (index, name) in operations.enumerated() {
            let color = colors[index % colors.count]
            let points = steps.compactMap { step -> (Double, Double)? in
                guard let s = step.operations.first(where: { $0.name == name })?.seconds, s > 0 else { return nil }
                return (x(Double(step.rows)), y(s))
            }
            if points.count > 1 {
                parts.append(
                    "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\""
                        + points.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ") + "\"/>")
            }
            for point in points {
                parts.append(
                    String(
                        format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"><title>%@</title></circle>",
                        point.0, point.1, color, name))
            }
            parts.append(
                String(
                    format:
                        """
                        <rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%@\"/><text x=\"%.1f\" \
                        y=\"%.1f\">%@</text>
                        """,
                    width - right + 16, top + Double(index) * 20, color, width - right + 32,
                    top + Double(index) * 20 + 10, name))
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    static func rowsLabel(_ value: Double) -> String {
        value >= 1e6
            ? String(format: "%gM", value / 1e6)
            : value >= 1e3 ? String(format: "%gk", value / 1e3) : String(format: "%g", value)
    }
}
