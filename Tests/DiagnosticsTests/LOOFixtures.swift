import Foundation
import XCTest

/// The PSIS-LOO reference fixtures (made by `Fixtures/make_loo_fixtures.py` with ArviZ 0.23.4).
enum LOOFixtures {
    /// `loo_expected.json`, parsed.
    static func expected() throws -> [String: Any] {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "loo_expected", withExtension: "json", subdirectory: "Fixtures"))
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try XCTUnwrap(object as? [String: Any])
    }

    /// One section of `loo_expected.json` ("loo", "psislw", "gpdfit", "compare") by case name.
    static func section(_ name: String) throws -> [String: [String: Any]] {
        try XCTUnwrap(try expected()[name] as? [String: [String: Any]], "no section \(name)")
    }

    /// The pointwise log-likelihood of a model: one array of S draws per observation
    /// (`loo_<model>.csv` has one row per draw and one column per observation).
    static func logLikelihood(_ model: String) throws -> [[Double]] {
        try Fixtures.chains("loo_\(model)")
    }

    /// The three fixture models, in the order the script writes them.
    static let models = ["linear", "quadratic", "constant"]
}
