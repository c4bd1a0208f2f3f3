/// One candidate `auto` tried, as written in a schedule file (`candidates`): the method, its
/// objective value, peak memory, makespan and bubble rate (`Metrics.bubbleRate` at its value) when
/// it produced a valid schedule, its seconds, and otherwise why not (`note`: the method's own fit
/// message, "over the memory cap or deadlocked", ...). Files written before 2026-12-07 have neither
/// `makespan` nor `bubbleRate`.
public struct CandidateSummary: Sendable, Equatable, Codable {
    public var method: String
    public var value: Double?
    public var peakMemory: Double?
    public var makespan: Double?
    public var bubbleRate: Double?
    public var seconds: Double
    public var note: String?

    public init(method: String, value: Double? = nil, peakMemory: Double? = nil, makespan: Double? = nil, bubbleRate: Double? = nil,
                seconds: Double, note: String? = nil) {
        self.method = method
        self.value = value
        self.peakMemory = peakMemory
        self.makespan = makespan
        self.bubbleRate = bubbleRate
        self.seconds = seconds
        self.note = note
    }
}
