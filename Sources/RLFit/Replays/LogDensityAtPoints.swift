import Foundation
import RLModels

/// The log posterior density and its gradient at given points of the unconstrained space —
/// what CmdStan's `log_prob` method and pystan's `log_prob` / `grad_log_prob` compute — so a
/// model can be checked against another implementation of it (`scripts/validate-hbayesdm.py`
/// compares every hBayesDM model with hBayesDM's own Stan program this way) or used by an
/// optimizer of the user's.
///
/// The density is the one `rlfit fit` samples (`HierarchicalPosterior`): the Jacobian of every
/// transform included, additive constants dropped as Stan drops them for `~` statements, so
/// without covariates it equals Stan's `log_prob(x, adjust_transform=True)` for hBayesDM's
/// program at the same point.
///
/// **Points file**: CSV or TSV, a header of the unconstrained coordinates' names
/// (`HierarchicalPosterior.coordinateNames`: `mu_pr.1`…, `sigma.1`… holding log σ, `A_pr.1`…
/// per subject in the data's order), in any order, and one point per row. A missing or
/// unknown name, a duplicate, or a value that is not a finite number is a `DataError` naming
/// the file, line and column. **Output**: one row per point, `lp__` then the gradient in the
/// coordinates' own order, headed `grad.<name>`; a point where the density is not finite
/// gives `-inf` or `nan` there, as Stan would.
public enum LogDensityAtPoints {
    public struct Result: Sendable {
        public let coordinateNames: [String]
        /// Per point: log p and ∇ log p (in `coordinateNames` order).
        public let values: [(logDensity: Double, gradient: [Double])]

        public var csv: String {
            // 17 significant digits: the values round-trip exactly.
            let formatter = DecimalFormatter(significantDigits: 17)
            var lines = [(["lp__"] + coordinateNames.map { "grad.\($0)" }).joined(separator: ",")]
            for v in values { lines.append(([v.logDensity] + v.gradient).map(formatter.string).joined(separator: ",")) }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Reads the study as `rlfit fit` would (same checks), then evaluates at every point of
    /// the points file.
    public static func evaluate(options: FitOptions, pointsPath: String) throws -> Result {
        let posterior = try makePosterior(options)
        let names = posterior.coordinateNames
        let points = try readPoints(path: pointsPath, names: names)
        var values: [(Double, [Double])] = []
        var gradient = [Double](repeating: 0, count: names.count)
        for x in points {
            let lp = x.withUnsafeBufferPointer { xs in
                gradient.withUnsafeMutableBufferPointer { g in posterior.logDensity(xs, gradient: g) }
            }
            values.append((lp, gradient))
        }
        return Result(coordinateNames: names, values: values)
    }

    /// The names of the unconstrained coordinates for this model, data and hierarchy.
    public static func coordinateNames(options: FitOptions) throws -> [String] {
        try makePosterior(options).coordinateNames
    }

    static func makePosterior(_ options: FitOptions) throws -> HierarchicalPosterior {
        let (batch, covariates) = try FitRunner.loadStudy(options)
        return HierarchicalPosterior(
            model: options.model, batch: batch, priors: options.priors, mode: options.hierarchy,
            covariates: covariates)
    }

    /// The points of a points file, each in the order of `names`.
    static func readPoints(path: String, names: [String]) throws -> [[Double]] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw DataError(
                file: path, kind: .unreadable, problem: "cannot read the points file",
                fix: "give a CSV file whose header names the unconstrained coordinates (mu_pr.1, sigma.1, A_pr.1, ...)")
        }
        let table = DelimitedText(text: text)
        guard let header = table.header else {
            throw DataError(
                file: path, problem: "the points file is empty",
                fix: "write a header line of coordinate names, then one point per line")
        }
        var position: [String: Int] = [:]
        for (k, name) in names.enumerated() { position[name] = k }
        var order: [Int] = []
        var seen = Set<String>()
        for (column, name) in header.fields.enumerated() {
            guard let k = position[name] else {
                let close = names.filter { $0.lowercased() == name.lowercased() }.first
                throw DataError(
                    file: path, line: header.line, column: column + 1, columnName: name,
                    problem: "not an unconstrained coordinate of this model and data",
                    fix: close.map { "did you mean '\($0)'?" } ?? "the coordinates are \(summary(names))")
            }
            guard seen.insert(name).inserted else {
                throw DataError(
                    file: path, line: header.line, column: column + 1, columnName: name, problem: "named twice",
                    fix: "give each coordinate one column")
            }
            order.append(k)
        }
        let missing = names.filter { !seen.contains($0) }
        guard missing.isEmpty else {
            throw DataError(
                file: path, line: header.line, problem: "\(missing.count) coordinate(s) missing: \(summary(missing))",
                fix: "give a column for every coordinate (\(names.count) in all)")
        }
        return try table.rows.map { row in
            guard row.fields.count == order.count else {
                throw DataError(
                    file: path, line: row.line,
                    problem: "\(row.fields.count) fields where the header has \(order.count)",
                    fix: "give one value per coordinate")
            }
            var x = [Double](repeating: 0, count: names.count)
            for (column, field) in row.fields.enumerated() {
                guard let v = Double(field), v.isFinite else {
                    throw DataError(
                        file: path, line: row.line, column: column + 1, columnName: header.fields[column],
                        value: String(field.prefix(40)), problem: "not a finite number", fix: "write a decimal number")
                }
                x[order[column]] = v
            }
            return x
        }
    }

    static func summary(_ names: [String]) -> String {
        names.count <= 6
            ? names.joined(separator: ", ") : names.prefix(5).joined(separator: ", ") + ", …, " + names.last!
    }
}
