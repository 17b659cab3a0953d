/// The version RLFit reports (`rlfit --version`, chain files, `fit.json`).
public enum RLFitVersion {
    public static let string = "0.1.0"
}
