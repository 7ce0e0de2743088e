extension ArgumentReader {
    /// Takes every argument not yet consumed, in command-line order: first the ordinary ones (options included,
    /// unparsed), then those after the first bare `--` (which the reader drops).
    ///
    /// `grafos exec` needs the order — its own options come before MODULE, everything after MODULE belongs to the
    /// program, even words that look like `grafos exec` options — and ``ArgumentReader`` only hands out options
    /// by name and positionals after checking that no option is left. Until the reader grows an accessor for
    /// this, its two stored lists are read by reflection (`ExecCommandTests` fail if they are renamed).
    /// - Returns: the ordinary arguments and the ones after `--`.
    mutating func takeRawArguments() -> (ordinary: [String], afterDoubleDash: [String]) {
        var ordinary: [String] = []
        var afterDoubleDash: [String] = []
        for child in Mirror(reflecting: self).children {
            switch child.label {
            case "remaining": ordinary = child.value as? [String] ?? []
            case "positionals": afterDoubleDash = child.value as? [String] ?? []
            default: break
            }
        }
        self = ArgumentReader([])
        return (ordinary, afterDoubleDash)
    }
}
