/// A setting the suite cannot work with, named so the user can fix it without reading code.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var variable: String
    public var problem: String
    public var expected: String

    public static func missing(_ variable: String, expected: String) -> ConfigurationError {
        ConfigurationError(variable: variable, problem: "is not set", expected: expected)
    }

    public static func malformed(_ variable: String, value: String, expected: String) -> ConfigurationError {
        ConfigurationError(variable: variable, problem: "is '\(value)'", expected: expected)
    }

    public var description: String {
        "\(variable) \(problem): expected \(expected) (see .env.example)"
    }
}
