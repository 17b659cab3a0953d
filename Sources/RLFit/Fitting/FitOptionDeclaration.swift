/// The one declaration of every fit option: its run-file key (also the key in a grid file's
/// "options" and in `run.json`), its command-line name, the kind of value, and its help. The
/// command line (`rlfit fit`, `log-prob`, `check`), run files and grid files are all read
/// through this list, so a new option is one line here plus its resolution in
/// `FitOptions(runFile:)`.
///
/// Names: the command line's is the key with `-` for `_` (`adapt_delta` → `--adapt-delta`),
/// except where a declaration says otherwise (`arguments` → `--arg`, `priors.mu` → `--prior-mu`).
public struct FitOptionDeclaration: Sendable {
    public enum Kind: Sendable, Equatable {
        case integer, unsignedInteger, real, text, flag
        /// Comma-separated on the command line, a JSON array in files.
        case textList, integerList
        /// `NAME=VALUE` pairs: repeated (`--arg a=1 --arg b=2`) or comma-separated
        /// (`--columns a=x,b=y`) on the command line, a JSON object in files.
        case realMap, textMap
    }

    /// Dotted for a nested key: `priors.mu` is `{"priors": {"mu": …}}`.
    public let key: String
    /// Without the dashes; nil for the positional DATA.
    public let flag: String?
    public let kind: Kind
    public let valueName: String
    public let help: String
    /// Left out of `--help` (still accepted).
    public let hidden: Bool

    init(
        _ key: String, flag: String? = nil, _ kind: Kind, _ valueName: String, _ help: String, hidden: Bool = false,
        positional: Bool = false
    ) {
        self.key = key
        self.flag = positional ? nil : (flag ?? key.replacingOccurrences(of: "_", with: "-"))
        self.kind = kind
        self.valueName = valueName
        self.help = help
        self.hidden = hidden
    }

    public var path: [String] { key.split(separator: ".").map(String.init) }

    public static let all: [FitOptionDeclaration] = [
        .init("data", .text, "DATA", "hBayesDM-format trial table (TSV or CSV).", positional: true),
        .init("model", .text, "NAME|FILE", "A built-in model (see `rlfit models`) or a model file, e.g. my_model.rlm."),
        .init(
            "arguments", flag: "arg", .realMap, "NAME=VALUE",
            "Set a model argument (repeatable; see the model file's argument lines)."),
        .init("out", .text, "DIR", "Output directory."),
        .init("chains", .integer, "N", "Number of chains (ids 1...N); default 4."),
        .init("chain_ids", .integerList, "C,C", "Run only these chains, e.g. 1,3 (same draws as in a full run)."),
        .init("warmup", .integer, "N", "Warmup iterations per chain; default 1000."),
        .init("draws", .integer, "N", "Kept draws per chain; default 1000."),
        .init(
            "seed", .unsignedInteger, "S",
            "Random seed (default: drawn at random and recorded in fit.json and run.json)."),
        .init("metric", .text, "dense|diag", "Metric: dense (default) or diag."),
        .init(
            "covariance", .text, "shrinkage|automatic|stan", "Dense metric estimator; default shrinkage.", hidden: true),
        .init("adapt_delta", .real, "D", "Target acceptance statistic in (0, 1); default 0.8."),
        .init("max_depth", .integer, "N", "Maximum tree depth; default 10."),
        .init(
            "init", .text, "random|optimize",
            "Where chains start: random (default; uniform on (-2, 2), as Stan) or optimize (all chains in the highest mode that several L-BFGS optimizations find: the remedy when chains sit in different modes)."
        ),
        .init("init_optimizations", .integer, "N", "Optimizations for --init optimize; default 8."),
        .init(
            "init_buffer", .integer, "N",
            "Warmup: initial fast adaptation buffer; default 15 (Stan's init_buffer is 75)."),
        .init(
            "window", .integer, "N",
            "Warmup: first slow adaptation window, doubling after; default 15 (Stan's window is 25)."),
        .init(
            "term_buffer", .integer, "N", "Warmup: terminal fast adaptation buffer; default 50 (Stan's term_buffer)."),
        .init("save_warmup", .flag, "", "Also write the warmup iterations (before '# Adaptation terminated')."),
        .init("thin", .integer, "N", "Keep every N-th draw; default 1."),
        .init(
            "hierarchy", .text, "partial|none|pooled",
            "How subjects share information: partial (default, hBayesDM's), none (independent subjects), pooled (one parameter set)."
        ),
        .init(
            "covariates", .textList, "C,C",
            "Subject covariates from the data, e.g. age,group (constant within subject; standardized)."),
        .init(
            "priors.mu", flag: "prior-mu", .real, "SD",
            "Sd of the normal prior on group locations mu_pr (and on parameters without a hierarchy); default 1."),
        .init(
            "priors.sigma", flag: "prior-sigma", .real, "SCALE",
            "Scale of the prior on group scales sigma (half-normal; half-Cauchy where the model uses it); default: the model's (0.2)."
        ),
        .init(
            "priors.gamma", flag: "prior-gamma", .real, "SD", "Sd of the normal prior on covariate effects; default 1."),
        .init(
            "condition", .text, "COLUMN",
            "A column of conditions that keep separate learned values (e.g. PST pairs AB/CD/EF); the subject's parameters are shared."
        ),
        .init(
            "columns", .textMap, "MODEL=FILE,...",
            "The file's names for the model's columns, e.g. subjID=subj_idx,choice=response,outcome=feedback."),
        .init(
            "first_option", .integer, "0|1",
            "The number of the first option in the choice column: 1 (hBayesDM, default) or 0."),
        .init(
            "trial_table", .text, "FILE",
            "Columns shared by every subject's t-th trial, joined by trial position (hBayesDM's wcs_answersheet.txt for wcs_sql)."
        )
    ]

    public static func named(_ key: String) -> FitOptionDeclaration? { all.first { $0.key == key } }
}
