/// What a search minimizes.
public enum Objective: String, Sendable, Hashable, Codable, CaseIterable {
    /// Longest time any device spends from its first start to its last end: Zero Bubble's
    /// "longest stage time", the figure that matters in a steady training loop.
    case stageSpan
    /// Last end minus first start over all devices: the time of one isolated step.
    case makespan
}
