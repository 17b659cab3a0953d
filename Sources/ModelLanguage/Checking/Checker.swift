/// Resolves and types a parsed model file (`ModelSyntax`) into a `CheckedModel`, or rejects it
/// with `file:line:column`, what is wrong and the fix: unknown names (with a suggestion), wrong
/// index types, indices that depend on parameters, values read before they are assigned,
/// parameters never used, shapes that do not match, observations of what is not data.
///
/// Levels: a state is parameter-level when any assignment to it depends on the parameters;
/// since that can depend on other states, the trial block is checked until the states' levels
/// stop rising (at most one pass per state plus one: a pass that does not settle raises at
/// least one state from data to parameter level, and levels never fall).
struct Checker {
    let file: String
    let syntax: ModelSyntax
    let source: String

    // Declarations, resolved.
    private var dataIndex: [String: Int] = [:]
    private var argumentIndex: [String: Int] = [:]
    private var parameterIndex: [String: Int] = [:]
    private var stateIndex: [String: Int] = [:]
    private var stateLevels: [Level] = []
    private var stateDimensions: [[Dimension]] = []
    private var stateIsIndex: [Bool] = []
    /// Index states whose initial value is `none` (0 in the machine): arithmetic on them would
    /// silently read none as 0, so only comparisons may use them.
    private var stateMayBeNone: [Bool] = []
    /// Locals assigned a value that may be none (`x = previous`): read as such a state is.
    private var localMayBeNone: Set<Int> = []

    // The trial block's variables.
    private var locals: [CheckedModel.Local] = []
    /// Innermost scope last: name → local slot.
    private var scopes: [[String: Int]] = []
    /// The current type of each local slot (its level follows assignments).
    private var localTypes: [Int: ValueType] = [:]
    private var assignedSomewhere: [String: SourceLocation] = [:]
    private var loopDepth = 0
    /// The level of the conditions of the enclosing `if`s: a value assigned under a condition
    /// that depends on the parameters depends on them too (the branches are merged by select).
    private var conditionLevel: Level = .constant
    private var conditionLocation: SourceLocation?
    /// The assignment whose value is being checked (a name read there before it exists is read
    /// in its own first assignment).
    private var assigning: SourceLocation?
    private var topLevel: Bool { scopes.count == 1 && loopDepth == 0 }

    // Usage.
    private var usedParameters: Set<Int> = []
    private var usedData: Set<Int> = []
    private var usedArguments: Set<Int> = []
    private var readStates: Set<Int> = []
    private var observed: [Int] = []
    private var observedAt: [Int: SourceLocation] = [:]
    private var firstRead: [Int: SourceLocation] = [:]

    init(file: String, syntax: ModelSyntax, source: String) {
        self.file = file
        self.syntax = syntax
        self.source = source
    }

    private func fail(_ at: SourceLocation, _ problem: String, _ fix: String) -> ModelFileError {
        ModelFileError(file: file, location: at, problem: problem, fix: fix)
    }

    // MARK: The model

    mutating func check() throws -> CheckedModel {
        guard let name = syntax.name else {
            throw fail(
                SourceLocation(line: 1, column: 1), "the file has no model declaration",
                "start the file with: model NAME \"one line saying what it is\"")
        }
        try declareNames()
        let data = try checkData()
        let parameters = try checkParameters()
        let states = try checkStates()
        let reward = try syntax.reward.map { try expression($0, context: .reward) }
        if let reward, !(reward.type.isScalar && reward.type.kind != .boolean) {
            throw fail(
                reward.location, "the reward must be one number per trial",
                "write e.g. reward outcome, or reward gain - abs(loss)")
        }
        guard let trialSyntax = syntax.trial, let trialLocation = syntax.trialLocation else {
            throw fail(
                name.location, "the model has no trial block", "add: trial { … } with the statements run on every trial"
            )
        }
        collectAssignments(trialSyntax)
        var trial: [TypedStatement] = []
        // Check until the states' levels stop rising (a chain such as `a = b; b = c; c = tau`
        // raises one state per pass).
        for pass in 0...syntax.states.count {
            let before = stateLevels
            resetTrialScope()
            trial = try block(trialSyntax)
            if stateLevels == before { break }
            precondition(pass < syntax.states.count, "state levels did not settle")
        }
        guard !observed.isEmpty else {
            throw fail(
                trialLocation, "the trial observes nothing, so the model has no likelihood",
                "add an observation, e.g. choice ~ softmax(tau * Q)")
        }
        for (p, declaration) in syntax.parameters.enumerated() where !usedParameters.contains(p) {
            throw fail(
                declaration.location, "parameter '\(declaration.name)' is never used",
                "use it in the trial block (or as a state's initial value), or remove it")
        }
        let settled = states.enumerated().map { s, state in
            CheckedModel.State(
                name: state.name, dimensions: state.dimensions, isIndex: state.isIndex, initial: state.initial,
                acrossBlocks: state.acrossBlocks, level: stateLevels[s], location: state.location)
        }
        let relevance = Relevance(trial: trial, states: settled, reward: reward)
        for (p, declaration) in syntax.parameters.enumerated() where !relevance.parameters.contains(p) {
            throw fail(
                declaration.location,
                "parameter '\(declaration.name)' does not change the likelihood: it is used only in values no observation depends on",
                "use it where an observation depends on it (e.g. in the utilities of choice ~ softmax(...), or in a state that does), or remove it"
            )
        }
        var warnings: [ModelFileWarning] = []
        for (c, declaration) in syntax.data.enumerated() where !usedData.contains(c) && !observed.contains(c) {
            warnings.append(
                ModelFileWarning(
                    file: file, location: declaration.location,
                    message:
                        "data column '\(declaration.name)' is declared but never used (the data file must still have it)"
                ))
        }
        for (c, declaration) in syntax.data.enumerated()
        where usedData.contains(c) && !observed.contains(c) && !relevance.data.contains(c) {
            warnings.append(
                ModelFileWarning(
                    file: file, location: declaration.location,
                    message:
                        "data column '\(declaration.name)' is read only in values no observation depends on, so it does not change the likelihood"
                ))
        }
        for (a, declaration) in syntax.arguments.enumerated() where !usedArguments.contains(a) {
            warnings.append(
                ModelFileWarning(
                    file: file, location: declaration.location, message: "argument '\(declaration.name)' is never used")
            )
        }
        for (s, declaration) in syntax.states.enumerated() where !readStates.contains(s) {
            warnings.append(
                ModelFileWarning(
                    file: file, location: declaration.location,
                    message: "state '\(declaration.name)' is never read, so it does not change the likelihood"))
        }
        for (s, declaration) in syntax.states.enumerated() where readStates.contains(s) && !relevance.states.contains(s)
        {
            warnings.append(
                ModelFileWarning(
                    file: file, location: declaration.location,
                    message:
                        "state '\(declaration.name)' is read only in values no observation depends on, so it does not change the likelihood"
                ))
        }
        let task = syntax.task?.name ?? "bandit"
        let tasks = [
            "bandit", "reversal_learning", "go_nogo", "probabilistic_selection", "two_step", "aversive_learning",
            "ultimatum", "balloon", "probabilistic_selection_rt", "restless_bandit", "iowa_gambling", "binary_inputs",
            "wisconsin_card_sorting"
        ]
        if let t = syntax.task, !tasks.contains(t.name) {
            let guess = Suggestions.closest(to: t.name, among: tasks)
            throw fail(
                t.location, "unknown task '\(t.name)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
                "write task bandit (reward probabilities reversed halfway), task reversal_learning (reversal after a run of correct choices), task go_nogo (four cues, go or no-go, win or avoid losing), task probabilistic_selection (pairs of six stimuli), task two_step (two stages, common and rare transitions), task aversive_learning (punishment magnitudes, stable then volatile), task ultimatum (offers to accept or reject), task balloon (pumps until the balloon bursts or the subject stops), task restless_bandit (payoffs drifting 1-100), task iowa_gambling (four decks), task probabilistic_selection_rt (three pairs, choices with response times), task binary_inputs (predicting a binary input whose probability changes) or task wisconsin_card_sorting (cards matching decks by color, form and number; the rule changes after 10 correct sorts)"
            )
        }
        if let h = syntax.hierarchy, !["partial", "none", "pooled"].contains(h.name) {
            throw fail(
                h.location, "unknown hierarchy '\(h.name)'",
                "write hierarchy partial (hBayesDM's), none (each subject on its own) or pooled (one set for all)")
        }
        return CheckedModel(
            file: file, source: source, name: name.text, summary: syntax.summary, reference: syntax.reference,
            optionCount: syntax.options?.count, task: task, hierarchy: syntax.hierarchy?.name,
            data: data.enumerated().map { c, d in
                CheckedModel.DataColumn(
                    name: d.name, kind: d.kind, coding: d.coding, expectation: d.expectation,
                    observed: observed.contains(c), location: d.location)
            },
            arguments: syntax.arguments.map {
                CheckedModel.Argument(name: $0.name, defaultValue: $0.value, meaning: $0.meaning, location: $0.location)
            },
            parameters: parameters, states: settled, locals: locals, trial: trial, reward: reward, warnings: warnings,
            observedColumns: observed)
    }

    // MARK: Declarations

    private static let reserved: Set<String> = ["option", "K", "none", "softmax", "sum", "select"]

    private mutating func declareNames() throws {
        var seen: [String: (String, SourceLocation)] = [:]
        func declare(_ name: String, _ what: String, _ at: SourceLocation) throws {
            // A parameter may be called K (hBayesDM's IGT models have one): it then replaces the
            // number of options K in that file, which must fix its options (`options N`).
            if name == "K" && what == "a parameter" {
                guard syntax.options?.count != nil else {
                    throw fail(
                        at, "a parameter called 'K' hides the number of options K, which this file takes from the data",
                        "fix the options (options 4), or choose another name")
                }
            } else if Checker.reserved.contains(name) {
                throw fail(at, "'\(name)' is a built-in name and cannot be declared", "choose another name")
            }
            if let (kind, first) = seen[name] {
                throw fail(
                    at, "'\(name)' is declared twice (as \(kind) at line \(first.line))",
                    "give each declaration its own name")
            }
            seen[name] = (what, at)
        }
        for (i, d) in syntax.data.enumerated() {
            try declare(d.name, "a data column", d.location); dataIndex[d.name] = i
        }
        for (i, a) in syntax.arguments.enumerated() {
            try declare(a.name, "an argument", a.location); argumentIndex[a.name] = i
        }
        for (i, p) in syntax.parameters.enumerated() {
            try declare(p.name, "a parameter", p.location); parameterIndex[p.name] = i
        }
        for (i, s) in syntax.states.enumerated() { try declare(s.name, "a state", s.location); stateIndex[s.name] = i }
        guard !syntax.parameters.isEmpty else {
            throw fail(
                syntax.name!.location, "the model has no parameters",
                "declare at least one, e.g. parameter A in (0, 1) typical 0.3 \"learning rate\"")
        }
    }

    private func checkData() throws -> [DataDeclaration] {
        for d in syntax.data {
            if let e = d.expectation {
                if case .option = d.kind {
                    throw fail(
                        d.location, "an option column's values are checked already (1..K)", "remove the values {…} list"
                    )
                }
                if case .index = d.kind {
                    throw fail(
                        d.location, "an index column's values are checked already (1..levels)",
                        "remove the values {…} list")
                }
                if case let .values(v) = e, v.isEmpty {
                    throw fail(d.location, "an empty list of expected values", "list the values, e.g. values {-1, 1}")
                }
            }
        }
        return syntax.data
    }

    private mutating func checkParameters() throws -> [CheckedModel.Parameter] {
        try syntax.parameters.map { p in
            let typical: Double
            switch p.range {
            case let .interval(lower, upper):
                typical = p.typical ?? (lower + upper) / 2
                guard typical > lower && typical < upper else {
                    throw fail(
                        p.location, "the typical value \(typical) of '\(p.name)' is outside (\(lower), \(upper))",
                        "give a typical value strictly inside the range")
                }
            case let .boundedBy(lower, upper):
                func value(_ b: ParameterDeclaration.Bound) throws -> Double? {
                    switch b {
                    case let .number(x): return x
                    case let .argument(name):
                        guard let a = syntax.arguments.firstIndex(where: { $0.name == name }) else {
                            if ["inf", "infinity", "Inf", "Infinity"].contains(name) {
                                throw fail(
                                    p.location, "a range's bounds are finite; '\(name)' is not a bound",
                                    "write parameter \(p.name) positive for (0, ∞), or parameter \(p.name) real for (−∞, ∞)"
                                )
                            }
                            throw unknownName(name, at: p.location, candidates: syntax.arguments.map(\.name))
                        }
                        usedArguments.insert(a)
                        return syntax.arguments[a].value
                    case let .subjectMinimum(column):
                        guard let c = syntax.data.first(where: { $0.name == column }) else {
                            throw unknownName(column, at: p.location, candidates: syntax.data.map(\.name))
                        }
                        guard case .real = c.kind else {
                            throw fail(
                                p.location,
                                "min(\(column)) bounds a parameter by each subject's smallest \(column), but '\(column)' is \(kindName(c.kind))",
                                "declare data \(column): real")
                        }
                        return nil
                    }
                }
                let l = try value(lower), u = try value(upper)
                guard let t = p.typical ?? u.map({ (l! + $0) / 2 }) else {
                    throw fail(
                        p.location,
                        "'\(p.name)' has an upper bound from the data, so it needs a typical value (simulations use it as the group median)",
                        "add typical V with V above the lower bound")
                }
                typical = t
                guard typical > l! && typical < (u ?? .infinity) else {
                    throw fail(
                        p.location,
                        "the typical value \(typical) of '\(p.name)' is outside its range with the default arguments (\(l!), \(u.map { "\($0)" } ?? "∞"))",
                        "give a typical value strictly inside the range")
                }
                if let u, !(l! < u) {
                    throw fail(
                        p.location,
                        "the lower bound \(l!) is not below the upper bound \(u) with the default arguments",
                        "write in (lower, upper) with lower < upper")
                }
            case .real:
                typical = p.typical ?? 0
            case .positive:
                typical = p.typical ?? 1
                guard typical > 0 else {
                    throw fail(
                        p.location, "the typical value of positive '\(p.name)' must be above 0",
                        "give a typical value above 0")
                }
            }
            return CheckedModel.Parameter(
                name: p.name, range: p.range, typical: typical, muScale: p.muPrior?.scale,
                sigmaPrior: (p.sigmaPrior?.family ?? "normal", p.sigmaPrior?.scale ?? 0.2),
                zScale: p.zPrior?.scale ?? 1,
                logisticLink: p.logisticLink, meaning: p.meaning, location: p.location)
        }
    }

    /// A dimension by the name the file writes: `option` or an index data column.
    private func dimension(_ name: String, at: SourceLocation) throws -> Dimension {
        if name == "option" { return .option }
        if let c = dataIndex[name] {
            if case .index = syntax.data[c].kind { return .category(c) }
            throw fail(
                at, "'\(name)' is a data column of kind \(kindName(syntax.data[c].kind)), not a dimension",
                "declare it as data \(name): index (its values 1..n then index tables), or use option")
        }
        let candidates =
            ["option"]
            + syntax.data.filter {
                if case .index = $0.kind { return true }; return false
            }.map(\.name)
        let guess = Suggestions.closest(to: name, among: candidates)
        throw fail(
            at, "unknown dimension '\(name)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
            "a dimension is option or a data column declared as index (data cue: index 1..4)")
    }

    private func kindName(_ kind: DataDeclaration.Kind) -> String {
        switch kind {
        case .option: return "option";
        case .index: return "index";
        case .binary: return "binary";
        case .real: return "real";
        case .count: return "count"
        }
    }

    /// The number of elements along a dimension when the file fixes it.
    private func size(_ d: Dimension) -> Int? {
        switch d {
        case .option: return syntax.options?.count
        case let .category(c): if case let .index(levels) = syntax.data[c].kind { return levels }; return nil
        case let .literal(n): return n
        }
    }

    private mutating func checkStates() throws -> [CheckedModel.State] {
        var result: [CheckedModel.State] = []
        for s in syntax.states {
            var dims: [Dimension] = []
            var isIndex = false
            switch s.shape {
            case .scalar: break
            case let .table(list): dims = try list.map { try dimension($0.name, at: $0.location) }
            case let .index(name, location): dims = [try dimension(name, at: location)]; isIndex = true
            }
            let initial = try initialValue(s.initial, state: s, dims: dims, isIndex: isIndex)
            stateDimensions.append(dims)
            stateIsIndex.append(isIndex)
            if case .none = initial { stateMayBeNone.append(true) } else { stateMayBeNone.append(false) }
            stateLevels.append(initialLevel(initial))
            result.append(
                CheckedModel.State(
                    name: s.name, dimensions: dims, isIndex: isIndex, initial: initial,
                    acrossBlocks: s.acrossBlocks, level: .data, location: s.location))
        }
        return result
    }

    private func initialLevel(_ v: CheckedModel.InitialValue) -> Level {
        switch v {
        case .parameter: return .parameter
        case let .elements(list): return list.map(initialLevel).max() ?? .data
        default: return .data
        }
    }

    /// A state's initial value: a number, an argument, a parameter or none, or a vector literal
    /// of these (one per element of a vector state).
    private mutating func initialValue(_ e: ExpressionSyntax, state: StateDeclaration, dims: [Dimension], isIndex: Bool)
        throws -> CheckedModel.InitialValue
    {
        func scalar(_ e: ExpressionSyntax) throws -> CheckedModel.InitialValue {
            switch e.node {
            case let .number(x): return isIndex ? try wholeIndex(x, e) : .constant(x)
            case let .integer(n): return isIndex ? try wholeIndex(Double(n), e) : .constant(Double(n))
            case let .unary("-", inner):
                if case let .number(x) = inner.node, !isIndex { return .constant(-x) }
                if case let .integer(n) = inner.node, !isIndex { return .constant(-Double(n)) }
            case .none:
                guard isIndex else {
                    throw fail(
                        e.location, "none is the initial value of option (and index) states only",
                        "declare \(state.name) as one, state \(state.name): option = none, or give it a number, e.g. state \(state.name) = 0"
                    )
                }
                return .none
            case let .name(n):
                if let a = argumentIndex[n] { usedArguments.insert(a); return .argument(a) }
                if let p = parameterIndex[n] {
                    guard !isIndex else {
                        throw fail(
                            e.location, "an option state cannot start at a parameter", "write none or an option number")
                    }
                    usedParameters.insert(p)
                    return .parameter(p)
                }
                if stateIndex[n] != nil || dataIndex[n] != nil {
                    throw fail(
                        e.location,
                        "state \(state.name)'s initial value reads '\(n)', which has no value before the first trial",
                        "start it at a number, an argument or a parameter, and assign it in the trial block")
                }
                let names = Array(argumentIndex.keys) + Array(parameterIndex.keys)
                throw unknownName(n, at: e.location, candidates: names)
            default: break
            }
            throw fail(
                e.location, "a state's initial value is a number, an argument, a parameter\(isIndex ? " or none" : "")",
                "write e.g. state \(state.name)\(isIndex ? ": option = none" : (dims.isEmpty ? "" : "[option]") + " = 0"); compute other values in the trial block"
            )
        }
        func wholeIndex(_ x: Double, _ e: ExpressionSyntax) throws -> CheckedModel.InitialValue {
            guard x == x.rounded(), x >= 1 else {
                throw fail(
                    e.location, "an option state starts at none or an option number 1, 2, …",
                    "write none or a whole number from 1")
            }
            return .constant(x)
        }
        if case let .vector(elements) = e.node {
            guard dims.count == 1, !isIndex else {
                throw fail(
                    e.location, "a list of initial values needs a vector state",
                    dims.isEmpty ? "give \(state.name) one value" : "give a table one value for all its elements")
            }
            if let n = size(dims[0]), n != elements.count {
                throw fail(
                    e.location, "\(elements.count) initial values for \(state.name), which has \(n) elements",
                    "list \(n) values, or give one value for all")
            }
            if size(dims[0]) == nil {
                throw fail(
                    e.location,
                    "a list of initial values needs a fixed size, but \(dims[0] == .option ? "the options come" : "its levels come") from the data",
                    dims[0] == .option
                        ? "declare options N, or give one value for all elements"
                        : "declare the column's levels (index 1..N), or give one value")
            }
            return .elements(try elements.map(scalar))
        }
        return try scalar(e)
    }

    // MARK: Names

    private func unknownName(_ name: String, at: SourceLocation, candidates: [String]) -> ModelFileError {
        let guess = Suggestions.closest(to: name, among: candidates)
        return fail(
            at, "unknown name '\(name)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
            "declare it (data, argument, parameter or state), assign it before this line, or correct the spelling")
    }

    private var allNames: [String] {
        Array(dataIndex.keys) + Array(argumentIndex.keys) + Array(parameterIndex.keys) + Array(stateIndex.keys)
            + scopes.flatMap { Array($0.keys) } + ["K"]
    }

    private func lookupLocal(_ name: String) -> Int? {
        for scope in scopes.reversed() { if let l = scope[name] { return l } }
        return nil
    }

    /// Every local name assigned anywhere in the trial, with its first place (for "read before
    /// it is assigned").
    private mutating func collectAssignments(_ statements: [StatementSyntax]) {
        for s in statements {
            switch s {
            case let .assign(target, _, _, _, location):
                if assignedSomewhere[target] == nil { assignedSomewhere[target] = location }
            case let .ifElse(_, then, otherwise, _): collectAssignments(then); collectAssignments(otherwise)
            case let .forEach(_, _, body, _, _): collectAssignments(body)
            case .observe: break
            }
        }
    }

    private mutating func resetTrialScope() {
        locals = []
        scopes = [[:]]
        localTypes = [:]
        observed = []
        observedAt = [:]
        firstRead = [:]
        loopDepth = 0
    }

    // MARK: Statements

    private mutating func block(_ statements: [StatementSyntax]) throws -> [TypedStatement] {
        try statements.map { try statement($0) }
    }

    private mutating func statement(_ s: StatementSyntax) throws -> TypedStatement {
        switch s {
        case let .assign(target, indices, op, value, location):
            return try assignment(target: target, indices: indices, op: op, value: value, location: location)
        case let .observe(column, distributionName, arguments, location, distributionLocation):
            return try observation(
                column: column, distributionName: distributionName, arguments: arguments,
                location: location, distributionLocation: distributionLocation)
        case let .ifElse(condition, then, otherwise, location):
            let c = try expression(condition, context: .trial)
            guard c.type.isScalar else {
                throw fail(
                    condition.location,
                    "an if condition must be one comparison, but this is \(c.type.kind == .boolean ? "one per element of " : "")\(shapeWord(c.type.shape))",
                    "compare single numbers (e.g. if Q[choice] > 0 { … }), or use select(condition, a, b) for each element"
                )
            }
            guard c.type.kind == .boolean else {
                throw fail(
                    condition.location, "an if condition must be a comparison (true or false), not a number",
                    "compare it, e.g. if pe >= 0 { … }")
            }
            let outer = localTypes
            let enclosingLevel = conditionLevel, enclosingLocation = conditionLocation
            if c.type.level > conditionLevel { conditionLevel = c.type.level; conditionLocation = condition.location }
            defer { conditionLevel = enclosingLevel; conditionLocation = enclosingLocation }
            // A column may be observed once in each branch (they exclude each other).
            let observedBefore = observedAt, observedListBefore = observed
            scopes.append([:])
            let thenTyped = try block(then)
            scopes.removeLast()
            let afterThen = localTypes
            let observedInThen = observedAt, observedListInThen = observed
            localTypes = outer
            observedAt = observedBefore
            observed = observedListBefore
            scopes.append([:])
            let elseTyped = try block(otherwise)
            scopes.removeLast()
            for (column, place) in observedInThen where observedAt[column] == nil { observedAt[column] = place }
            for column in observedListInThen where !observed.contains(column) { observed.append(column) }
            // An outer local's level after the if is the higher of the two branches'.
            for (slot, t) in afterThen {
                if let e = localTypes[slot], t.level > e.level { localTypes[slot]?.level = t.level }
            }
            return .ifElse(condition: c, then: thenTyped, otherwise: elseTyped, location: location)
        case let .forEach(variable, dimensionName, body, location, dimensionLocation):
            let d = try dimension(dimensionName, at: dimensionLocation)
            if lookupLocal(variable) != nil || isDeclared(variable) {
                throw fail(
                    location, "the loop variable '\(variable)' hides another name",
                    "choose another loop variable, e.g. k")
            }
            var typed: [TypedStatement] = []
            loopDepth += 1
            // Twice: a local raised to parameter level late in the body is read early in the next pass.
            for _ in 0..<2 {
                scopes.append([:])
                let slot = newLocal(variable, ValueType(.index(d), level: .constant), location, loop: true)
                typed = [.forEach(variable: slot, dimension: d, body: try block(body), location: location)]
                scopes.removeLast()
            }
            loopDepth -= 1
            return typed[0]
        }
    }

    private func isDeclared(_ name: String) -> Bool {
        dataIndex[name] != nil || argumentIndex[name] != nil || parameterIndex[name] != nil || stateIndex[name] != nil
            || name == "K"
    }

    private mutating func newLocal(_ name: String, _ type: ValueType, _ location: SourceLocation, loop: Bool) -> Int {
        let slot = locals.count
        locals.append(
            CheckedModel.Local(
                name: name, type: type, location: location, topLevel: topLevel && !loop, isLoopVariable: loop))
        scopes[scopes.count - 1][name] = slot
        localTypes[slot] = type
        return slot
    }

    private mutating func assignment(
        target: String, indices: [ExpressionSyntax], op: String, value: ExpressionSyntax,
        location: SourceLocation
    ) throws -> TypedStatement {
        assigning = location
        var typedValue = try expression(value, context: .trial)
        assigning = nil
        // The target, before this assignment.
        let targetKind: TypedStatement.Target
        let base: TypedExpression?
        if let l = lookupLocal(target) {
            guard !locals[l].isLoopVariable else {
                throw fail(
                    location, "'\(target)' is the loop's variable and cannot be assigned",
                    "assign the result to a new name, e.g. \(target)_next = …, or loop over another name")
            }
            targetKind = .local(l)
            base = TypedExpression(node: .local(l), type: localTypes[l]!, location: location)
        } else if let s = stateIndex[target] {
            targetKind = .state(s)
            base = TypedExpression(node: .state(s), type: stateType(s), location: location)
        } else if parameterIndex[target] != nil || argumentIndex[target] != nil || dataIndex[target] != nil
            || target == "K"
        {
            let what =
                parameterIndex[target] != nil
                ? "a parameter"
                : argumentIndex[target] != nil
                    ? "an argument" : target == "K" ? "the number of options" : "a data column"
            throw fail(
                location, "'\(target)' is \(what) and cannot be assigned",
                "assign the result to a new name, e.g. \(target)_t = …")
        } else {
            guard indices.isEmpty else {
                throw fail(
                    location, "'\(target)' is not defined, so its elements cannot be assigned",
                    "declare it as state (state \(target)[option] = 0), or assign the whole vector first (\(target) = [ … for k in option])"
                )
            }
            if target == "target" && op == "+=" {
                throw fail(
                    location, "there is no 'target' to add to: the likelihood is the model's observations",
                    "observe the data column instead, e.g. choice ~ softmax(tau * Q) or y ~ bernoulli_logit(x)")
            }
            guard op == "=" else {
                throw fail(
                    location, "'\(target) \(op) …' needs '\(target)' to exist",
                    "assign it first (\(target) = …) or declare it as state")
            }
            let slot = newLocal(target, typedValue.type, location, loop: false)
            if mayBeNone(typedValue) != nil { localMayBeNone.insert(slot) }
            return .assign(target: .local(slot), indices: [], value: typedValue, location: location)
        }
        // The element assigned, typed as a read.
        let element: TypedExpression
        if indices.isEmpty {
            element = base!
        } else {
            element = try elementAccess(base: base!, name: target, indices: indices, location: location)
        }
        if op != "=" {
            let function = ElementwiseFunction.named(["+=": "add", "-=": "sub", "*=": "mul", "/=": "div"][op]!)
            typedValue = try elementwise(function, [element, typedValue], location: location)
        }
        let typedIndices: [TypedExpression]
        if case let .element(_, list) = element.node { typedIndices = list } else { typedIndices = [] }
        try checkAssignable(value: typedValue, to: element, target: target, location: location)
        // Assigned under a parameter-dependent condition, the merged value depends on the
        // parameters whatever was assigned.
        let assignedLevel = max(typedValue.type.level, conditionLevel)
        if case .index = element.type.kind, assignedLevel > .data, let at = conditionLocation {
            throw fail(
                location,
                "'\(target)' holds option or category numbers, but it is assigned under a condition that depends on the parameters (line \(at.line)), so it would depend on them too",
                "make the condition depend on the data only, or keep the parameter-dependent choice in real values (select(condition, a, b))"
            )
        }
        if let name = mayBeNone(typedValue) {
            switch targetKind {
            case let .state(s) where !stateMayBeNone[s]:
                throw fail(
                    typedValue.location,
                    "\(name) cannot be assigned to '\(target)', which starts as a number and would then hold none",
                    "declare '\(target)' = none too (state \(target): option = none), and read it with == or !=")
            case let .local(l) where indices.isEmpty: localMayBeNone.insert(l)
            default: break
            }
        }
        switch targetKind {
        case let .state(s):
            if assignedLevel > stateLevels[s] { stateLevels[s] = assignedLevel }
        case let .local(l):
            let level = max(assignedLevel, indices.isEmpty ? assignedLevel : localTypes[l]!.level)
            localTypes[l]?.level = level
        }
        return .assign(target: targetKind, indices: typedIndices, value: typedValue, location: location)
    }

    /// How to name `e` in an error when its value may be none (none itself, an index state that
    /// starts as none, or a local copied from one); nil when it is a number.
    private func mayBeNone(_ e: TypedExpression) -> String? {
        switch e.node {
        case .none: return "none"
        case let .state(s) where stateMayBeNone[s]:
            return "'\(syntax.states[s].name)', which is none until its first assignment in a block,"
        case let .local(l) where localMayBeNone.contains(l):
            return "'\(locals[l].name)', a copy of a value that may be none,"
        default: return nil
        }
    }

    /// The name a state or local is written with in the file (for fixes that quote it).
    private func sourceName(_ e: TypedExpression) -> String? {
        switch e.node {
        case let .state(s): return syntax.states[s].name
        case let .local(l): return locals[l].name
        default: return nil
        }
    }

    private static let noneFix =
        "compare it with == or != instead, e.g. (previous == 2) - (previous == 1), or kappa * (k == previous) (a guard such as if previous != none does not help: both branches are computed)"

    private func stateType(_ s: Int) -> ValueType {
        stateIsIndex[s]
            ? ValueType(.index(stateDimensions[s][0]), level: stateLevels[s])
            : ValueType(.real, shape: stateDimensions[s], level: stateLevels[s])
    }

    private func checkAssignable(
        value: TypedExpression, to element: TypedExpression, target: String, location: SourceLocation
    ) throws {
        let want = element.type, have = value.type
        switch want.kind {
        case let .index(d):
            guard have.isScalar else {
                throw fail(
                    value.location, "'\(target)' holds one \(dimensionWord(d)) number, not a vector",
                    "assign a single value")
            }
            switch have.kind {
            case .integer: break
            case let .index(e) where e == d: break
            default:
                throw fail(
                    value.location, "'\(target)' holds \(dimensionWord(d)) numbers; this value is \(describe(have))",
                    "assign \(dimensionWord(d)) numbers (e.g. \(target) = \(d == .option ? "choice" : "the column")), or none"
                )
            }
            guard have.level <= .data else {
                throw fail(
                    value.location,
                    "'\(target)' would depend on the parameters; option and category numbers come from the data",
                    "compute it from data columns only")
            }
        default:
            if !have.isScalar {
                guard try sameShape(have.shape, want.shape) else {
                    throw fail(
                        value.location,
                        "shape mismatch: '\(target)' is \(shapeWord(want.shape)) but the value is \(shapeWord(have.shape))",
                        "assign a value of the same shape, or one number for every element")
                }
            }
            if case .integer = want.kind, case .real = have.kind {
                throw fail(
                    value.location, "'\(target)' was defined as a whole number; this value is real",
                    "define it as a real number first (e.g. \(target) = 0.0), or keep whole numbers")
            }
            if case .integer = want.kind, case .boolean = have.kind {
                throw fail(
                    value.location, "'\(target)' was defined as a whole number; this value is a condition",
                    "assign whole numbers")
            }
            if case .boolean = want.kind, have.kind != .boolean {
                throw fail(
                    value.location, "'\(target)' was defined as a condition; this value is a number",
                    "assign a comparison, or define it as a number")
            }
        }
    }

    private mutating func observation(
        column: String, distributionName: String, arguments: [ExpressionSyntax],
        location: SourceLocation, distributionLocation: SourceLocation
    ) throws -> TypedStatement {
        guard let c = dataIndex[column] else {
            if lookupLocal(column) != nil || stateIndex[column] != nil {
                throw fail(
                    location, "only data columns can be observed; '\(column)' is computed by the model",
                    "observe a data column declared with data \(column): …")
            }
            if parameterIndex[column] != nil || argumentIndex[column] != nil {
                throw fail(
                    location,
                    "only data columns can be observed; '\(column)' is \(parameterIndex[column] != nil ? "a parameter" : "an argument")",
                    "observe a data column (e.g. choice ~ softmax(tau * Q)); parameters and arguments go into the distribution's arguments"
                )
            }
            throw unknownName(column, at: location, candidates: Array(dataIndex.keys))
        }
        guard let distribution = ObservationDistribution(rawValue: distributionName) else {
            let names = ObservationDistribution.allCases.map(\.rawValue)
            let guess = Suggestions.closest(to: distributionName, among: names)
            throw fail(
                distributionLocation,
                "unknown distribution '\(distributionName)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
                "observations use \(names.joined(separator: ", "))")
        }
        guard loopDepth == 0 else {
            throw fail(
                location, "an observation inside a for loop would observe '\(column)' several times per trial",
                "move the observation out of the loop")
        }
        if let first = observedAt[c] {
            throw fail(
                location, "'\(column)' is observed twice (first at line \(first.line))",
                "observe each column once per trial")
        }
        guard distribution.argumentCounts.contains(arguments.count) else {
            throw fail(
                distributionLocation,
                "\(distributionName) takes \(distribution.argumentCounts.lowerBound == distribution.argumentCounts.upperBound ? "\(distribution.argumentCounts.lowerBound)" : "1 or 2") argument(s), found \(arguments.count)",
                "write \(distribution.usage)")
        }
        let kind = syntax.data[c].kind
        var typed = [try expression(arguments[0], context: .trial)]
        if arguments.count == 2 && distribution == .softmax {
            // The offered options may read the response itself: some tasks' data record the
            // set a response was chosen from only through the response (hBayesDM's two-step
            // data give the stage-2 state as the pair the stage-2 choice belongs to). Only the
            // set is read from it, never the utilities.
            let before = firstRead[c]
            typed.append(try expression(arguments[1], context: .trial))
            firstRead[c] = before
        } else {
            typed += try arguments.dropFirst().map { try expression($0, context: .trial) }
        }
        if let read = firstRead[c] {
            if read > location {
                throw fail(
                    read,
                    "'\(column)' is read in its own observation: the model would use the response to predict itself",
                    "predict \(column) from what is known before the response (states, parameters, other data columns)")
            }
            throw fail(
                read,
                "'\(column)' is read here, before it is observed (line \(location.line)): the model would use the response to predict itself",
                "move the observation \(column) ~ … above the first use of \(column)")
        }
        if distribution.observesChoice {
            let d: Dimension
            switch kind {
            case .option: d = .option
            case .index: d = .category(c)
            default:
                throw fail(
                    location,
                    "\(distributionName) observes a choice among options, but '\(column)' is \(kindName(kind))",
                    kind == .binary
                        ? "observe a binary column with bernoulli_logit(x) or bernoulli(p)"
                        : "declare '\(column)' as data \(column): option")
            }
            for (i, a) in typed.enumerated() {
                guard a.type.shape.count == 1, let u = unify(a.type.shape[0], d), u == d else {
                    throw fail(
                        a.location,
                        "\(i == 0 ? (distribution == .softmax ? "the utilities" : "the probabilities") : "the offered options") must be a vector over \(syntax.data[c].name)'s \(dimensionWord(d))s, found \(shapeWord(a.type.shape))",
                        "write \(distribution.usage)")
                }
                if i == 1 && a.type.level > .data {
                    throw fail(
                        a.location,
                        "the options offered on a trial come from the data, but this depends on the parameters",
                        "build it from data columns only")
                }
            }
        } else if distribution == .wiener {
            switch kind {
            case .option, .index: break
            default:
                throw fail(
                    location,
                    "wiener observes a response at one of two boundaries (1 upper, 2 lower), but '\(column)' is \(kindName(kind))",
                    "declare it as data \(column): option (with options 2)")
            }
            let names = [
                "the boundary separation", "the non-decision time", "the starting point", "the drift",
                "the response time"
            ]
            for (i, a) in typed.enumerated() {
                guard a.type.isScalar, a.type.kind != .boolean else {
                    throw fail(
                        a.location, "\(names[i]) is one number per trial, found \(shapeWord(a.type.shape))",
                        "write \(distribution.usage)")
                }
            }
            guard typed[4].type.level <= .data else {
                throw fail(
                    typed[4].location, "the response time comes from the data, but this depends on the parameters",
                    "pass the response-time column, e.g. wiener(a, tau, 0.5, delta, RT)")
            }
        } else if distribution == .sequentialLogit {
            guard kind == .count else {
                throw fail(
                    location,
                    "sequential_logit observes a count (the decisions to go on), but '\(column)' is \(kindName(kind))",
                    "declare it as data \(column): count")
            }
            guard typed[0].type.shape.count <= 1, typed[0].type.kind != .boolean else {
                throw fail(
                    typed[0].location,
                    "sequential_logit's first argument is the coefficients of q(m) = x0 + x1·m + …: one number or a vector [x0, x1, …]",
                    "write \(distribution.usage)")
            }
            if typed[0].type.shape.count == 1, case .literal = typed[0].type.shape[0] {
            } else if typed[0].type.shape.count == 1 {
                throw fail(
                    typed[0].location,
                    "the coefficients must be a list [x0, x1, …], found \(shapeWord(typed[0].type.shape))",
                    "write \(distribution.usage)")
            }
            guard typed[1].type.isScalar, typed[1].type.level <= .data else {
                throw fail(
                    typed[1].location, "whether the run was cut short must come from the data, one number per trial",
                    "pass a binary data column, e.g. sequential_logit([a, b], explosion)")
            }
        } else {
            guard kind == .binary else {
                throw fail(
                    location, "\(distributionName) observes a 0/1 outcome, but '\(column)' is \(kindName(kind))",
                    "declare it as data \(column): binary, or observe a choice with softmax")
            }
            guard typed[0].type.isScalar, typed[0].type.kind != .boolean else {
                throw fail(
                    typed[0].location, "\(distributionName) takes one number per trial", "write \(distribution.usage)")
            }
        }
        // A number passed straight in that may be none would be read as 0 (bernoulli(previous)
        // is bernoulli(0) on a block's first trial).
        for a in typed {
            guard let name = mayBeNone(a) else { continue }
            throw fail(
                a.location, "\(name) cannot be an argument of \(distributionName): none is no number", Self.noneFix)
        }
        observed.append(c)
        observedAt[c] = location
        return .observe(column: c, distribution: distribution, arguments: typed, location: location)
    }

    // MARK: Expressions

    enum Context { case trial, reward }

    private mutating func expression(_ e: ExpressionSyntax, context: Context) throws -> TypedExpression {
        func typed(_ node: TypedExpression.Node, _ type: ValueType) -> TypedExpression {
            TypedExpression(node: node, type: type, location: e.location)
        }
        switch e.node {
        case let .number(x): return typed(.constant(x), ValueType(.real, level: .constant))
        case let .integer(n): return typed(.constant(Double(n)), ValueType(.integer, level: .constant))
        case .none: return typed(.none, ValueType(.integer, level: .constant))
        case let .name(name): return try nameReference(name, at: e.location, context: context)
        case let .element(name, indices):
            let base = try nameReference(name, at: e.location, context: context)
            return try elementAccess(base: base, name: name, indices: indices, location: e.location, context: context)
        case let .call(function, arguments):
            return try call(function, arguments, at: e.location, context: context)
        case let .unary(op, operand):
            let x = try expression(operand, context: context)
            return try elementwise(ElementwiseFunction.named(op == "-" ? "neg" : "not"), [x], location: e.location)
        case let .binary(op, left, right):
            let a = try expression(left, context: context), b = try expression(right, context: context)
            let names = [
                "+": "add", "-": "sub", "*": "mul", "/": "div", "^": "pow", "<": "lt", "<=": "le", ">": "gt",
                ">=": "ge", "==": "eq", "!=": "ne", "and": "and", "or": "or"
            ]
            return try elementwise(ElementwiseFunction.named(names[op]!), [a, b], location: e.location)
        case let .vector(elements):
            let items = try elements.map { try expression($0, context: context) }
            if let item = items.first(where: { mayBeNone($0) != nil }) {
                throw fail(
                    item.location, "\(mayBeNone(item)!) cannot be an element of a vector: none is no number",
                    Self.noneFix)
            }
            for item in items where !item.type.isScalar {
                throw fail(
                    item.location, "a vector's elements must be single numbers",
                    "write [a, b, …] with numbers, or use a comprehension")
            }
            let kind: ValueType.Kind = items.allSatisfy(\.type.isIndexLike) ? .integer : .real
            return typed(
                .vector(items), ValueType(kind, shape: [.literal(items.count)], level: items.map(\.type.level).max()!))
        case let .comprehension(body, variable, dimensionName, dimensionLocation):
            let d = try dimension(dimensionName, at: dimensionLocation)
            if lookupLocal(variable) != nil || isDeclared(variable) {
                throw fail(
                    e.location, "the comprehension variable '\(variable)' hides another name",
                    "choose another variable, e.g. k")
            }
            scopes.append([:])
            let slot = newLocal(variable, ValueType(.index(d), level: .constant), e.location, loop: true)
            let b = try expression(body, context: context)
            scopes.removeLast()
            guard b.type.isScalar else {
                throw fail(
                    body.location, "each element of a comprehension must be one number",
                    "index the vector inside, e.g. [Q[k] for k in option]")
            }
            let kind: ValueType.Kind = b.type.kind == .boolean ? .boolean : (b.type.isIndexLike ? .integer : .real)
            return typed(
                .comprehension(variable: slot, dimension: d, body: b), ValueType(kind, shape: [d], level: b.type.level))
        }
    }

    private mutating func nameReference(_ name: String, at: SourceLocation, context: Context) throws -> TypedExpression
    {
        func typed(_ node: TypedExpression.Node, _ type: ValueType) -> TypedExpression {
            TypedExpression(node: node, type: type, location: at)
        }
        // In the reward only comprehension variables are in scope.
        if let l = lookupLocal(name) {
            return typed(locals[l].isLoopVariable ? .loopVariable(l) : .local(l), localTypes[l]!)
        }
        /// States and parameters exist only in a trial; the reward is computed from the data.
        func requireTrial(_ what: String) throws {
            guard context == .trial else {
                throw fail(
                    at, "the reward is computed from the data alone; '\(name)' is a \(what)",
                    "use data columns and arguments only")
            }
        }
        if let s = stateIndex[name] {
            try requireTrial("state")
            readStates.insert(s)
            return typed(.state(s), stateType(s))
        }
        if let p = parameterIndex[name] {
            try requireTrial("parameter")
            usedParameters.insert(p)
            return typed(.parameter(p), ValueType(.real, level: .parameter))
        }
        if let a = argumentIndex[name] {
            usedArguments.insert(a)
            return typed(.argument(a), ValueType(.real, level: .constant))
        }
        if let c = dataIndex[name] {
            usedData.insert(c)
            // The first read in the file's order (an assignment's value is typed before its target).
            if context == .trial && observedAt[c] == nil, firstRead[c].map({ at < $0 }) ?? true { firstRead[c] = at }
            let kind: ValueType.Kind
            switch syntax.data[c].kind {
            case .option: kind = .index(.option)
            case .index: kind = .index(.category(c))
            case .binary, .count: kind = .integer
            case .real: kind = .real
            }
            return typed(.data(c), ValueType(kind, level: .data))
        }
        if name == "K" { return typed(.optionCount, ValueType(.integer, level: .constant)) }
        if name == "option" {
            throw fail(
                at, "'option' is a dimension, not a value",
                "loop over it (for k in option { … }) or build a vector ([… for k in option])")
        }
        if context == .trial, let first = assignedSomewhere[name] {
            if first == assigning {
                throw fail(
                    at, "'\(name)' is read in its own first assignment, before it has a value",
                    "give it a value first (\(name) = 0.0), or declare it as state if it carries over from the previous trial"
                )
            }
            throw fail(
                at,
                "'\(name)' is read before it is assigned (it is first assigned at line \(first.line)\(first < at ? ", inside a block that ends before this line" : ""))",
                first < at
                    ? "assign it before the if or for block so it exists here"
                    : "assign it before this line, or declare it as state if it carries over from the previous trial")
        }
        throw unknownName(name, at: at, candidates: allNames)
    }

    private mutating func elementAccess(
        base: TypedExpression, name: String, indices: [ExpressionSyntax], location: SourceLocation,
        context: Context = .trial
    ) throws -> TypedExpression {
        let dims = base.type.shape
        if case .index = base.type.kind {
            throw fail(location, "'\(name)' is one option number, not a vector", "use \(name) itself")
        }
        guard !dims.isEmpty else {
            throw fail(
                location, "'\(name)' is a single number and cannot be indexed",
                "declare it as a vector (state \(name)[option] = 0) or drop the index")
        }
        guard indices.count <= dims.count else {
            throw fail(
                location,
                "'\(name)' has \(dims.count) dimension\(dims.count == 1 ? "" : "s") but \(indices.count) indices",
                "write \(name)[\(dims.map { dimensionWord($0) }.joined(separator: ", "))]")
        }
        var typedIndices: [TypedExpression] = []
        var level = base.type.level
        for (i, index) in indices.enumerated() {
            let t = try expression(index, context: context)
            let d = dims[i]
            guard t.type.isScalar else {
                throw fail(t.location, "an index must be one number", "index with an option or category number")
            }
            switch t.type.kind {
            case .integer: break
            case let .index(e):
                if e != d {
                    throw fail(
                        t.location, "'\(name)' is indexed by \(dimensionWord(d)), but this is \(numberWord(e))",
                        "index \(name) with \(dimensionWord(d)) numbers (e.g. \(d == .option ? "choice, or a loop variable over option" : "the \(dimensionWord(d)) column"))"
                    )
                }
            case .real:
                throw fail(
                    t.location, "this index is a real number; '\(name)' is indexed by \(dimensionWord(d)) numbers",
                    "index with \(d == .option ? "an option column (choice), a loop variable" : "an index data column") or a whole number"
                )
            case .boolean:
                throw fail(t.location, "a condition cannot index '\(name)'", "index with \(dimensionWord(d)) numbers")
            }
            guard t.type.level <= .data else {
                throw fail(
                    t.location, "this index depends on the parameters; indices must come from the data",
                    "choose the element with data (e.g. the choice) and use select(...) for parameter-dependent choices"
                )
            }
            if let what = mayBeNone(t) {
                throw fail(
                    t.location,
                    "\(what == "none" ? "none is no \(dimensionWord(d)) and" : what) cannot index '\(name)'",
                    "index with \(dimensionWord(d)) numbers from 1; for a value that may be none, use comparisons: read with sum([\(name)[k] * (k == previous) for k in option]), change with \(name) = [\(name)[k] + x * (k == previous) for k in option] (a guard such as if previous != none does not help: both branches are computed)"
                )
            }
            // A constant index (3, -1, K + 1) must be inside the dimension; for a dimension whose
            // size comes from the data only the lower end is known here.
            if let x = constantValue(t), x < 1 || size(d).map({ x > Double($0) }) ?? false {
                let shown = x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
                let n = size(d)
                throw fail(
                    t.location,
                    "index \(shown) is outside \(name)'s \(dimensionWord(d))s "
                        + (n.map { "1..\($0)" } ?? "(numbered from 1)"),
                    "use an index from 1" + (n.map { " to \($0)" } ?? ""))
            }
            level = max(level, t.type.level)
            typedIndices.append(t)
        }
        let kind: ValueType.Kind = base.type.kind
        return TypedExpression(
            node: .element(base: base, indices: typedIndices),
            type: ValueType(kind, shape: Array(dims.dropFirst(indices.count)), level: level), location: location)
    }

    /// The value of an expression of constants alone (whole numbers, none, K when the file fixes
    /// it, and elementwise functions of these), nil when it is not known before the data.
    private func constantValue(_ t: TypedExpression) -> Double? {
        switch t.node {
        case let .constant(x): return x
        case .none: return 0
        case .optionCount: return syntax.options?.count.map(Double.init)
        case let .elementwise(f, args):
            let values = args.compactMap(constantValue)
            guard values.count == args.count, (1...3).contains(values.count) else { return nil }
            let lanes = (values + [0, 0]).map { Lanes(repeating: $0) }
            return f.evaluate(lanes[0], lanes[1], lanes[2])[0]
        default: return nil
        }
    }

    private mutating func call(
        _ function: String, _ arguments: [ExpressionSyntax], at: SourceLocation, context: Context
    ) throws -> TypedExpression {
        let args = try arguments.map { try expression($0, context: context) }
        switch function {
        case "softmax", "sum":
            guard args.count == 1 else {
                throw fail(at, "\(function) takes one vector, found \(args.count) arguments", "write \(function)(v)")
            }
            let v = args[0]
            guard v.type.shape.count == 1, v.type.kind != .boolean else {
                let found = v.type.shape.count == 1 ? "a vector of conditions" : shapeWord(v.type.shape)
                throw fail(
                    v.location, "\(function) takes a vector of numbers, found \(found)",
                    v.type.shape.count == 1
                        ? "make the conditions numbers, e.g. [select(k == choice, 1, 0) for k in option]"
                        : "write e.g. \(function)(tau * Q)")
            }
            if function == "softmax" {
                return TypedExpression(
                    node: .softmax(v), type: ValueType(.real, shape: v.type.shape, level: v.type.level), location: at)
            }
            return TypedExpression(
                node: .sum(v), type: ValueType(v.type.isIndexLike ? .integer : .real, level: v.type.level), location: at
            )
        default:
            if let f = ElementwiseFunction.callable(function) {
                guard args.count == f.arity else {
                    throw fail(
                        at, "\(function) takes \(f.arity) argument\(f.arity == 1 ? "" : "s"), found \(args.count)",
                        "write \(function)(\((["x", "y", "z"].prefix(f.arity)).joined(separator: ", ")))")
                }
                return try elementwise(f, args, location: at)
            }
            if ObservationDistribution(rawValue: function) != nil {
                throw fail(
                    at, "\(function) is a distribution, not a function",
                    "use it in an observation: column ~ \(function)(…)")
            }
            let guess = Suggestions.closest(to: function, among: ElementwiseFunction.callableNames + ["Phi_approx"])
            throw fail(
                at, "unknown function '\(function)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
                "the functions are: \(ElementwiseFunction.callableNames.sorted().joined(separator: ", "))")
        }
    }

    /// Types an elementwise call: arguments broadcast (scalars with anything, vectors of the
    /// same dimension), the result's kind from the primitive's typing rule.
    private func elementwise(_ f: ElementwiseFunction, _ args: [TypedExpression], location: SourceLocation) throws
        -> TypedExpression
    {
        let shown =
            [
                "add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^", "lt": "<", "le": "<=", "gt": ">",
                "ge": ">=",
                "eq": "==", "ne": "!=", "neg": "-", "not": "not", "and": "and", "or": "or"
            ][f.name] ?? f.name
        var shape: [Dimension] = []
        for a in args where !a.type.isScalar {
            if shape.isEmpty { shape = a.type.shape; continue }
            guard try sameShape(shape, a.type.shape) else {
                throw fail(
                    location, "'\(shown)' combines \(shapeWord(shape)) with \(shapeWord(a.type.shape))",
                    "combine values of the same shape (or a single number with anything)")
            }
            shape = try unifiedShape(shape, a.type.shape)
        }
        let level = args.map(\.type.level).max() ?? .constant
        // none is no number: arithmetic would read it as 0 (`2 * previous - 3` is −3 on a block's
        // first trial), and it has no order. `==` and `!=` (previous == k, previous != none) are
        // how it is read.
        switch f.typing {
        case .arithmetic, .real, .rounding, .order:
            for a in args {
                guard let name = mayBeNone(a) else { continue }
                throw fail(
                    a.location,
                    "\(name) cannot be used in \(f.typing == .order ? "an order comparison" : "arithmetic") ('\(shown)'): none is no number",
                    Self.noneFix)
            }
        default: break
        }
        let kind: ValueType.Kind
        switch f.typing {
        case .arithmetic:
            kind = args.allSatisfy(\.type.isIndexLike) ? .integer : .real
        case .real:
            kind = .real
        case .rounding:
            kind = .integer
        case .order:
            for a in args where a.type.kind == .boolean {
                throw fail(a.location, "'\(shown)' compares numbers, but this is a condition", "compare numbers")
            }
            kind = .boolean
        case .equality:
            if case let .index(d1) = args[0].type.kind, case let .index(d2) = args[1].type.kind, d1 != d2 {
                // A data column of option numbers declared as an index (`data optA: index 1..3`).
                let column = [d1, d2].compactMap { d -> String? in
                    if case let .category(c) = d { return syntax.data[c].name } else { return nil }
                }.first
                let optionColumnFix = column.map {
                    [d1, d2].contains(.option)
                        ? "if \($0) holds option numbers, declare it as one: data \($0): option; "
                        : ""
                }
                throw fail(
                    location, "'\(shown)' compares \(numberWord(d1)) with \(numberWord(d2))",
                    (optionColumnFix ?? "")
                        + "numbers of different kinds are never equal: compare numbers of the same kind")
            }
            kind = .boolean
        case .logical:
            for a in args where a.type.kind != .boolean {
                throw fail(
                    a.location, "'\(shown)' needs conditions (true or false), but this is a number",
                    mayBeNone(a) != nil
                        ? "compare it, e.g. \(sourceName(a) ?? "previous") != none or \(sourceName(a) ?? "previous") == 1"
                        : "compare it, e.g. x > 0")
            }
            kind = .boolean
        case .selection:
            guard args[0].type.kind == .boolean else {
                throw fail(
                    args[0].location, "select's first argument must be a condition",
                    mayBeNone(args[0]) != nil
                        ? "compare it, e.g. select(\(sourceName(args[0]) ?? "previous") != none, value if true, value if false)"
                        : "write select(condition, value if true, value if false), e.g. select(pe >= 0, A_pos, A_neg)")
            }
            switch (args[1].type.kind, args[2].type.kind) {
            case let (.index(a), .index(b)) where a == b: kind = .index(a)
            case (.boolean, .boolean): kind = .boolean
            default: kind = args[1].type.isIndexLike && args[2].type.isIndexLike ? .integer : .real
            }
        }
        return TypedExpression(
            node: .elementwise(f, args), type: ValueType(kind, shape: shape, level: level), location: location)
    }

    // MARK: Shapes

    private func unify(_ a: Dimension, _ b: Dimension) -> Dimension? {
        if a == b { return a }
        if case let .literal(n) = a { return size(b) == n ? b : nil }
        if case let .literal(n) = b { return size(a) == n ? a : nil }
        return nil
    }

    private func sameShape(_ a: [Dimension], _ b: [Dimension]) throws -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { unify($0, $1) != nil }
    }

    private func unifiedShape(_ a: [Dimension], _ b: [Dimension]) throws -> [Dimension] {
        zip(a, b).map { x, y in
            let u = unify(x, y)!
            if case .literal = u, case .literal = x { return y }
            return u
        }
    }

    private func dimensionWord(_ d: Dimension) -> String {
        switch d {
        case .option: return "option"
        case let .category(c): return syntax.data[c].name
        case let .literal(n): return "\(n)-element"
        }
    }

    /// "an option number", "a cue number": one value of an index over the dimension.
    private func numberWord(_ d: Dimension) -> String {
        let word = dimensionWord(d)
        return (word.first.map { "aeiouAEIOU".contains($0) } ?? false ? "an " : "a ") + word + " number"
    }

    private func shapeWord(_ shape: [Dimension]) -> String {
        switch shape.count {
        case 0: return "a single number"
        case 1:
            if case let .literal(n) = shape[0] { return "a vector of \(n) elements" }
            return "a vector over \(dimensionWord(shape[0]))"
        default: return "a table over \(shape.map { dimensionWord($0) }.joined(separator: " and "))"
        }
    }

    private func describe(_ t: ValueType) -> String {
        switch t.kind {
        case .real: return "a real number"
        case .boolean: return "a condition"
        case .integer: return "a whole number"
        case let .index(d): return numberWord(d)
        }
    }
}
