import Foundation

extension Connection {
    /// `DROP DATABASE IF EXISTS … WITH (FORCE)`, from a connection to another database. FORCE ends
    /// the database's sessions but waits only 5 s for them to exit; on a loaded machine some take
    /// longer (55006, "being accessed by other users"), so the drop is asked again, 6 times at
    /// most, 1 s apart. Any other error is thrown at once.
    public func dropDatabase(_ name: String) throws {
        for attempt in 1...7 {
            do {
                try execute("DROP DATABASE IF EXISTS \(SQLIdentifier.quote(name)) WITH (FORCE)")
                return
            } catch let error as DatabaseError where error.sqlState == "55006" && attempt < 7 {
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
