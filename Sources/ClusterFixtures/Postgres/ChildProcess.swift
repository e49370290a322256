import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program and waits for it with `posix_spawn` and `waitpid`, its output collected in a
/// file.
///
/// Written here rather than using Foundation's `Process`: on Linux, `Process.waitUntilExit()`
/// was seen to wait forever for a child that had already exited (left a zombie nobody reaped) when
/// that child had just started a PostgreSQL server in the background (`scripts/cluster.sh
/// start-node`). Waiting on the child's own pid cannot miss its exit.
public struct ChildProcess: Sendable {
    public var executable: String
    public var arguments: [String]
    /// Laid over this process's environment.
    public var environment: [String: String]

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    public struct Outcome: Sendable {
        public var status: Int32
        /// The child ended by a signal (`status` is then the signal's number).
        public var signaled: Bool
        public var output: String
        public var errorOutput: String
        /// Stopped by `stopWhen` (its process group killed) rather than ended by itself.
        public var stoppedEarly = false
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var command: String
        public var timeLimit: Duration
        public var description: String { "\(command) did not end within \(timeLimit) and was killed" }
    }

    public struct SpawnFailed: Error, CustomStringConvertible {
        public var command: String
        public var code: Int32
        public var description: String { "could not start \(command): \(String(cString: strerror(code)))" }
    }

    /// Runs to the end, or kills the child after `timeLimit` and throws `TimedOut`.
    /// With `interruptAfter`, sends it SIGINT (Ctrl-C) that long after the start. With
    /// `interruptWhen`, sends one SIGINT each time its standard error first contains the next text
    /// of the list, in order (Ctrl-C at a point the child reports, not at a guessed time).
    /// With `stopWhen`, the child runs in a process group of its own, and the whole group is killed
    /// as soon as a line of its standard output satisfies `stopWhen` (a mutation run ends a test
    /// run at its first failure: the verdict is known, the rest would only cost time).
    public func run(
        timeLimit: Duration = .seconds(600), interruptAfter: Duration? = nil, interruptWhen: [String] = [],
        stopWhen: (@Sendable (Substring) -> Bool)? = nil
    ) throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "citus-verify-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("stdout").path
        let err = folder.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }

        // The child starts with no signal blocked and every signal at its default: threads of the
        // concurrency pool block signals, and a mask is inherited across exec (pgbench -T, for one,
        // ends on SIGALRM and would run forever with it blocked).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if stopWhen != nil {
            // A group of its own (its id the child's pid): what it starts (swift test starts the
            // test binary) is stopped with it, never left running against the cluster.
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var pid: pid_t = 0
        let command = ([executable] + arguments).joined(separator: " ")
        let code = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard code == 0 else { throw SpawnFailed(command: command, code: code) }

        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeLimit.seconds)
        var interruptAt = interruptAfter.map { Date().addingTimeInterval($0.seconds) }
        var waitingFor = interruptWhen[...]
        var watched = stopWhen.map { OutputWatch(path: out, matches: $0) }
        var stoppedEarly = false
        // The whole group when it has one of its own, else the child alone.
        let target = stopWhen != nil ? -pid : pid
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if watched?.sawMatch() == true {
                kill(target, SIGKILL)
                _ = waitpid(pid, &status, 0)
                stoppedEarly = true
                break
            }
            if let text = waitingFor.first, let seen = try? String(contentsOfFile: err, encoding: .utf8),
                seen.contains(text)
            {
                kill(pid, SIGINT)
                waitingFor = waitingFor.dropFirst()
            }
            if let due = interruptAt, Date() >= due {
                kill(pid, SIGINT)
                interruptAt = nil
            }
            if result == -1 && errno != EINTR { throw SpawnFailed(command: command, code: errno) }
            if Date() > deadline {
                kill(target, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw TimedOut(command: command, timeLimit: timeLimit)
            }
            usleep(20_000)
        }
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS are macros Swift does not import.
        let signal = status & 0x7f
        let signaled = signal != 0 && signal != 0x7f
        return Outcome(
            status: signaled ? signal : (status >> 8) & 0xff, signaled: signaled,
            output: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            errorOutput: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "", stoppedEarly: stoppedEarly)
    }

    /// Reads what a child has written to a file since the last look, a whole line at a time (bytes
    /// kept until their line ends, so a character split between two looks is never cut).
    private struct OutputWatch {
        let path: String
        let matches: @Sendable (Substring) -> Bool
        var offset: UInt64 = 0
        var partial: [UInt8] = []

        mutating func sawMatch() -> Bool {
            guard let handle = FileHandle(forReadingAtPath: path) else { return false }
            defer { try? handle.close() }
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd(), !data.isEmpty else {
                return false
            }
            offset += UInt64(data.count)
            partial += data
            guard let lastBreak = partial.lastIndex(of: UInt8(ascii: "\n")) else { return false }
            let complete = String(decoding: partial[..<lastBreak], as: UTF8.self)
            partial.removeSubrange(...lastBreak)
            return complete.split(separator: "\n").contains(where: matches)
        }
    }
}
