/// Options that cannot be used together or are out of range (exit 64).
public struct FitOptionsError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "error: \(message)" }
}
