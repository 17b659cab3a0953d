import Foundation
import PackagePlugin

/// Embeds the built-in model files (`models/*.rlm` at the package root) in the library as
/// string constants, so the `rlfit` binary carries its catalog wherever it is copied and
/// `rlfit models NAME` prints each file exactly as it is in the repository.
@main
struct EmbedModelFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "models")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path()).filter { $0.hasSuffix(".rlm") }
            .sorted()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInModelFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(names.count) built-in model files",
                executable: try context.tool(named: "EmbedModelFilesTool").url,
                arguments: [output.path()] + inputs.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
