import ArgumentParser
import ClusterFixtures
import Foundation
import Reports

/// `citus-verify bench-scale`: the scale curve.
struct BenchScale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-scale",
        abstract:
            """
            Run the lifecycle at several data scales and report how its cost grows: \
            reports/bench/scale.{md,json,svg}.
            """,
        discussion: """
            For each scale: the suite's database rebuilt (CITUS_VERIFY_RESET=allow) and the seed loaded by \
            parallel COPY streams, then distribute, add worker, rebalance, isolate the heaviest tenant, drain \
            the first worker, undistribute, and every table's checksum against the generator's. Each scale \
            runs in a process of its own, so the peak memory reported is that scale's. Up to \
            --compare-copy-up-to, the seed load is also compared with psql \\copy of the same rows. \
            Before starting it prints the disk and memory the largest scale needs, and refuses when the \
            cluster's data folder lacks the disk. It measures and reports; it passes no judgement on speed.

            Examples:
              citus-verify bench-scale
              citus-verify bench-scale --scales 1,10,100,1000
            """
    )

    @Option(help: "Scales to run, comma-separated (1 = 10,000 orders; 1000 = 10 million).")
    var scales = "1,10,100"

    @Option(help: "Compare the seed load with psql \\copy at scales up to this one.")
    var compareCopyUpTo = 100

    @Option(help: "Folder for scale.md, scale.json and scale.svg.")
    var output = ProjectLayout.root.appendingPathComponent("reports/bench").path

    @Flag(help: "Print the report as JSON (scale.json's content) instead of Markdown.")
    var json = false

    @Option(help: .hidden)
    var only: Int?

    var scaleList: [Int] { scales.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let parts = scales.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        for part in parts {
            guard let scale = Int(part), (1...ClusterConfiguration.maximumScale).contains(scale) else {
                throw ValidationError(
                    """
                    --scales must be whole numbers from 1 to \(ClusterConfiguration.maximumScale), \
                    comma-separated (e.g. 1,10,100), got '\(part)' in '\(scales)'
                    """
                )
            }
        }
        guard Set(parts).count == parts.count else {
            throw ValidationError("--scales lists a scale twice: '\(scales)'")
        }
    }

    func run() throws {
        let cluster = try ClusterAccess.open()
        if let only {
            // One scale, in this process: its figures as JSON on standard output.
            let step = try ScaleBenchmark(cluster: cluster, scale: only, compareCopy: only <= compareCopyUpTo) {
                FileHandle.standardError.write("bench-scale: \($0)\n".data(using: .utf8)!)
            }.run()
            let encoder = JSONEncoder()
            return print(String(decoding: try encoder.encode(step), as: UTF8.self))
        }
        let scales = scaleList.sorted()
        let need = ScaleBenchmark.requirement(scale: scales.last!)
        let folder =
            cluster.configuration.localClusterDirectory
            ?? (try? cluster.coordinator.value("SHOW data_directory", as: String.self)) ?? "/"
        if let free = ScaleBenchmark.freeBytes(at: folder) {
            if let refusal = ScaleBenchmark.diskRefusal(scales: scales, free: free, where: folder) {
                throw ToolError(refusal)
            }
            say(
                """
                scales \(scales.map(String.init).joined(separator: ", ")): the largest needs about \
                \(ByteCount.text(need.disk)) of disk (\(ByteCount.text(free)) free in \(folder)) and about \
                \(ByteCount.text(need.memory)) of memory for this \
                tool\(ScaleBenchmark.availableMemory().map { " (\(ByteCount.text($0)) available)" } ?? "")
                """
            )
        } else {
            say(
                """
                scales \(scales.map(String.init).joined(separator: ", ")): the largest needs about \
                \(ByteCount.text(need.disk)) of disk on the cluster's nodes (not visible from this host: check it \
                yourself)
                """
            )
        }
        var steps: [ScaleBenchmark.Step] = []
        for scale in scales {
            steps.append(try runScale(scale))
            say(
                """
                scale \(scale): done, peak memory \(ByteCount.text(steps.last!.peakMemoryBytes)), rows intact: \
                \(steps.last!.rowsIntact)
                """
            )
        }
        let report = ScaleReport(
            machine: [
                "\(ProcessInfo.processInfo.activeProcessorCount) cores",
                ByteCount.text(Int64(ProcessInfo.processInfo.physicalMemory)) + " memory",
            ]
                + cluster.signoffDescription().prefix(2), steps: steps)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        for (name, text) in [("scale.md", report.markdown), ("scale.json", report.json), ("scale.svg", report.svg)] {
            try text.write(toFile: (output as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        print(json ? report.json : report.markdown)
        say("written to \(output)/scale.{md,json,svg}")
        if steps.contains(where: { !$0.rowsIntact }) { throw ExitCode(1) }
    }

    /// Runs one scale in a child process of this tool, its progress on our standard error.
    private func runScale(_ scale: Int) throws -> ScaleBenchmark.Step {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
            process.executableURL = Bundle.main.executableURL
        }
        process.arguments = ["bench-scale", "--only", String(scale), "--compare-copy-up-to", String(compareCopyUpTo)]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(
                "bench-scale: scale \(scale) failed (exit \(process.terminationStatus)); its messages are above")
        }
        return try JSONDecoder().decode(ScaleBenchmark.Step.self, from: data)
    }

    private func say(_ text: String) { FileHandle.standardError.write("bench-scale: \(text)\n".data(using: .utf8)!) }
}
