/// A readable listing of a trial program (one instruction per line, registers as %n), for
/// tests and for looking at what a model file compiles to.
extension TrialProgram: CustomStringConvertible {
    public var description: String {
        func show(_ v: Value) -> String {
            switch v {
            case let .constant(x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
            case let .register(r): return "%\(r)"
            }
        }
        var lines: [String] = []
        for (c, r) in dataRegisters.sorted(by: { $0.key < $1.key }) { lines.append("%\(r) = data[\(c)]") }
        for (p, r) in parameterRegisters.enumerated() { lines.append("%\(r) = parameter[\(p)]") }
        for s in states {
            lines.append(
                "%\(s.start) = start \(s.label) (initial \(show(s.initial))\(s.acrossBlocks ? ", across blocks" : ""), \(s.level))"
            )
        }
        for i in instructions {
            let name: String
            switch i.operation {
            case let .elementwise(f): name = f.name
            case .gather: name = "gather"
            case .scatter: name = "scatter"
            case .softmax: name = "softmax"
            case let .observe(d, column, offered):
                name = "observe \(d.rawValue) data[\(column)]\(offered ? " offered" : "")"
            }
            let outputs = i.outputs.map { "%\($0)" }.joined(separator: ", ")
            let level = i.outputs.first.map { " ; \(registers[$0].level)" } ?? ""
            lines.append(
                (outputs.isEmpty ? "" : outputs + " = ") + name + " " + i.operands.map(show).joined(separator: ", ")
                    + level)
        }
        for s in states where s.final != .register(s.start) { lines.append("\(s.label) <- \(show(s.final))") }
        return lines.joined(separator: "\n")
    }
}
