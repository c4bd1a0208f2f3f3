/// Leaving candidates out of `auto` (`solve --exclude`, `exclude` in `POST /v1/solve`).
///
/// `auto` runs PyTorch's schedules (`interleaved-zb`, `dualpipev`, `zb-v`, ...) and Zero Bubble's
/// greedy schedulers as its own candidates, so it can never lose to them; what the rest of the search
/// finds without them is a comparison that can fail (`scripts/bench-peers`). The names go into
/// `SolveOptions.excludedCandidates`; `AutoSearch` runs none of them, and its exact candidate's warm
/// start (`WarmStart.best`) leaves them out too.
extension SchedulingMethod {
    /// `names` as `SolveOptions.excludedCandidates`, each checked against `excludableCandidates`.
    /// - Throws: `ProblemError` naming `field` when this method runs no candidates (it is not `auto`)
    ///   or a name is not one of its candidates; the fix lists the names it takes.
    public func exclusion(_ names: [String], field: String = "--exclude") throws(ProblemError) -> Set<String> {
        let known = excludableCandidates
        guard !known.isEmpty else {
            throw ProblemError(field: field, message: "goes with the method auto, not \(name)", fix: "use it with auto, or leave it out")
        }
        for candidate in names where !known.contains(candidate) {
            throw ProblemError(field: field, message: "\"\(candidate)\" is not one of auto's candidates",
                               fix: "give names from \(known.joined(separator: ", "))")
        }
        return Set(names)
    }
}
