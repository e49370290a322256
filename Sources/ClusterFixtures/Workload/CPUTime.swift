import Foundation

/// CPU seconds (user and system) spent so far by this process, or by its child processes that
/// have ended and been waited for: the load benchmark's client cost per transaction, ours
/// (in-process writers) against pgbench's (a child process).
public enum CPUTime {
    public static var ofThisProcess: Double { seconds(RUSAGE_SELF.rawValue) }
    public static var ofEndedChildren: Double { seconds(RUSAGE_CHILDREN.rawValue) }

    private static func seconds(_ who: Int32) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
