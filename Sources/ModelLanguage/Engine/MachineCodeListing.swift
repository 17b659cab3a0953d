/// A readable listing of compiled code (one instruction per line, operands as region:slot),
/// for tests and for looking at what the compiler produced.
extension MachineCode: CustomStringConvertible {
    public var description: String {
        func show(_ p: MachineProgram, _ list: [MachineInstruction]) -> [String] {
            list.map { i in
                let operands = (Int(i.first)..<Int(i.first + i.count)).map { k -> String in
                    let a = p.addresses[k]
                    return "\(a.region)\(a.slot)" + (a.shift != 0 ? "+\(a.shift)" : "")
                }
                let modes =
                    i.kind.rawValue >= MachineInstruction.Kind.elementwiseAdjoint.rawValue ? " modes \(i.modes)" : ""
                return "  \(i.kind) n=\(i.size) [\(operands.joined(separator: " "))]\(modes)"
            }
        }
        var lines =
            ["prepass:"] + show(prepass, prepass.forward) + ["forward:"] + show(main, main.forward) + ["backward:"]
            + show(main, main.backward)
        lines.append(
            "rows: " + Address.Region.allCases.map { "\($0)=\(regionSizes[$0.rawValue])" }.joined(separator: " "))
        return lines.joined(separator: "\n")
    }
}
