/// `--arg NAME=VALUE` (or a run file's "arguments") names an argument the model file does not
/// declare: a usage mistake, not a mistake in the file.
public struct UnknownModelArgument: Error, CustomStringConvertible, Sendable {
    public let name: String
    /// The arguments the model declares, in file order.
    public let known: [String]
    public let model: String

    public var description: String {
        "\(model) has no argument '\(name)'"
            + (known.isEmpty
                ? " (it declares none); remove --arg \(name)=…"
                : "; its arguments are \(known.joined(separator: ", "))")
    }
}
