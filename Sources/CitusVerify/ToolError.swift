/// A refusal or failure of one of the tool's commands, said in one line (argument-parser prints it
/// as `Error: …` and exits 1).
struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
