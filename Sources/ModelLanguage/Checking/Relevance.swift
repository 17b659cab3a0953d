/// Which declarations can change the likelihood (or the report's reward). A value is *relevant*
/// when it can reach an observation: read in an observation's arguments or in the condition of
/// an `if` around one, or read (as the value, an index, or a condition around it) by an
/// assignment to a relevant state or local; a relevant state's initial value is relevant too. States carry relevance
/// from one trial to the next, so the rule is applied until nothing changes.
///
/// The analysis is flow-insensitive (a local assigned twice is one variable, an assignment
/// after the last observation still counts), so it errs toward "relevant": whatever it calls
/// irrelevant certainly cannot change the likelihood — a parameter used only in a local that
/// nothing observed reads, for instance, which the checker rejects as it rejects an unused one.
struct Relevance {
    private(set) var parameters = Set<Int>()
    private(set) var data = Set<Int>()
    private(set) var states = Set<Int>()
    private(set) var locals = Set<Int>()

    init(trial: [TypedStatement], states declared: [CheckedModel.State], reward: TypedExpression?) {
        if let reward { read(reward) }
        while true {
            let before = (parameters.count, data.count, states.count, locals.count)
            visit(trial, conditions: [])
            for s in states { initial(declared[s].initial) }
            if (parameters.count, data.count, states.count, locals.count) == before { break }
        }
    }

    private mutating func visit(_ block: [TypedStatement], conditions: [TypedExpression]) {
        for statement in block {
            switch statement {
            case let .observe(_, _, arguments, _):
                arguments.forEach { read($0) }
                conditions.forEach { read($0) }
            case let .assign(target, indices, value, _):
                let relevant: Bool
                switch target {
                case let .state(s): relevant = states.contains(s)
                case let .local(l): relevant = locals.contains(l)
                }
                guard relevant else { continue }
                read(value)
                indices.forEach { read($0) }
                conditions.forEach { read($0) }
            case let .ifElse(condition, then, otherwise, _):
                visit(then, conditions: conditions + [condition])
                visit(otherwise, conditions: conditions + [condition])
            case let .forEach(_, _, body, _):
                visit(body, conditions: conditions)
            }
        }
    }

    private mutating func read(_ e: TypedExpression) {
        switch e.node {
        case let .parameter(p): parameters.insert(p)
        case let .data(c): data.insert(c)
        case let .state(s): states.insert(s)
        case let .local(l): locals.insert(l)
        case .constant, .argument, .loopVariable, .optionCount, .none: break
        case let .element(base, indices):
            read(base)
            indices.forEach { read($0) }
        case let .elementwise(_, arguments): arguments.forEach { read($0) }
        case let .softmax(v), let .sum(v): read(v)
        case let .vector(items): items.forEach { read($0) }
        case let .comprehension(_, _, body): read(body)
        }
    }

    private mutating func initial(_ value: CheckedModel.InitialValue) {
        switch value {
        case let .parameter(p): parameters.insert(p)
        case let .elements(list): list.forEach { initial($0) }
        case .constant, .argument, .none: break
        }
    }
}
