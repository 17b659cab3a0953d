/// A mistake in `--arg NAME=VALUE` (or a run file's "arguments"): a usage mistake, not a
/// mistake in the file — an argument the model file does not declare, or a value that leaves a
/// parameter without a range or outside it.
public struct ModelArgumentError: Error, CustomStringConvertible, Sendable {
    public let description: String

    /// `name` is not an argument of `model`, whose arguments are `known` (file order).
    public init(name: String, known: [String], model: String) {
        description =
            "\(model) has no argument '\(name)'"
            + (known.isEmpty
                ? " (it declares none); remove --arg \(name)=…"
                : "; its arguments are \(known.joined(separator: ", "))")
    }

    /// With the arguments `overrides`, parameter `parameter`'s range (lower, upper) is empty or
    /// does not contain its typical value.
    init(parameter: String, lower: Double, upper: Double, typical: Double, overrides: [String: Double]) {
        let format = TrialTableWriter.format
        let given = overrides.keys.sorted().map { "\($0)=\(format(overrides[$0]!))" }
        let range = "(\(format(lower)), \(format(upper)))"
        description =
            !(lower < upper)
            ? "with --arg \(given.joined(separator: " ")), the range of '\(parameter)' is \(range): empty; choose values that keep its lower bound below its upper bound"
            : "with --arg \(given.joined(separator: " ")), the range of '\(parameter)' is \(range) and its typical value \(format(typical)) (the group median simulations use) lies outside it; choose values whose range contains \(format(typical)), or change the typical value in the model file"
    }
}
