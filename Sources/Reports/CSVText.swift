import CSV
import ClusterFixtures
import Foundation

/// CSV text for the reports, written by CSV.swift's `CSVWriter` (RFC 4180: a field holding a
/// comma, a quote or a line break is quoted, quotes doubled).
public enum CSVText {
    public static func render(header: [String], rows: [[String]]) -> String {
        let stream = OutputStream(toMemory: ())
        stream.open()
        // Writing to memory cannot fail for want of room; a failure here is a programming error
        // worth seeing, so it is not hidden behind try?.
        do {
            let writer = try CSVWriter(stream: stream)
            try writer.write(row: header)
            for row in rows { try writer.write(row: row) }
            writer.stream.close()
        } catch {
            preconditionFailure("CSVWriter to memory failed: \(error)")
        }
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
