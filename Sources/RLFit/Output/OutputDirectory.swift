import Foundation

/// The fit directory: created when missing; a directory that already holds a fit is replaced
/// only when asked (`--overwrite`), so an earlier fit is never lost by a repeated command.
public enum OutputDirectory {
    public struct Problem: Error, CustomStringConvertible {
        public let path: String
        public let problem: String
        public let fix: String
        public var description: String { "\(path): error: \(problem)\n  fix: \(fix)" }
    }

    public static func prepare(_ path: String, overwrite: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Problem(path: path, problem: "exists and is a file, not a directory",
                              fix: "give --out a new or existing directory")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let holdsFit = names.contains("fit.json") || names.contains { $0.hasPrefix("chain-") && $0.contains(".csv") }
            if holdsFit && !overwrite {
                var what = "already holds a fit"
                if let data = FileManager.default.contents(atPath: (path as NSString).appendingPathComponent("fit.json")),
                   let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let options = json["options"] as? [String: Any], let model = options["model"] as? String {
                    what += " (\(model))"
                }
                throw Problem(path: path, problem: what, fix: "pass --overwrite to replace it, or choose another --out")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Problem(path: path, problem: "cannot create the directory (\((error as NSError).localizedDescription))",
                          fix: "check the path and that you may write there")
        }
    }
}
