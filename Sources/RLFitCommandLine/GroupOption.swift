import ArgumentParser
import Foundation
import RLModels

/// `--group NAME=VALUE,...` and `--group-sd`: the group values subjects are simulated from,
/// for `simulate` and `recover`. Without them, `GroupValues.defaults` (each parameter's
/// typical value; sd 0.35 on the Φ≈ scale, 0.5 for unbounded parameters).
struct GroupOption: ParsableArguments {
    @Option(help: "Group medians on the natural scale, e.g. A=0.3,tau=2.5 (others keep their typical value).")
    var group: String?

    @Option(
        name: .customLong("group-sd"),
        help: "Between-subject sd on the Phi_approx scale (bounded parameters; unbounded ones get 0.5).")
    var groupSD: Double?

    func validate() throws {
        if let groupSD, !(groupSD > 0) { throw ValidationError("--group-sd must be positive") }
    }

    /// The group values for `model`, or nil when neither flag is given.
    func values(for model: ModelDefinition) throws -> GroupValues? {
        guard group != nil || groupSD != nil else { return nil }
        var values = GroupValues.defaults(for: model)
        if let groupSD {
            values.sigma = model.parameters.map {
                $0.transform == .identity || $0.transform == .exponential ? 0.5 : groupSD
            }
        }
        for pair in (group ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let v = Double(parts[1]), let p = model.parameterIndex(parts[0]) else {
                throw ValidationError(
                    "--group takes NAME=VALUE pairs with \(model.name)'s parameters (\(model.parameters.map(\.name).joined(separator: ", "))); got '\(pair)'"
                )
            }
            let (lo, hi) = model.parameters[p].bounds
            guard v > lo && v < hi else { throw ValidationError("--group \(parts[0])=\(v) is outside (\(lo), \(hi))") }
            values.mu[p] = model.parameters[p].unconstrain(v)
        }
        return values
    }
}
