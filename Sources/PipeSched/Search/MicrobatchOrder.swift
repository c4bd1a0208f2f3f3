/// The order in which a schedule takes a step's microbatches, when they differ in cost
/// (`Problem.costsVaryByMicrobatch`).
///
/// Families and greedy searches take microbatches in their numbering. With variable sequence lengths
/// the numbering is a choice: as in a two-machine flow shop (Johnson, 1954), sending short
/// microbatches first fills the pipeline sooner, and long ones first can drain it sooner. `auto` runs
/// each such method (`SchedulingMethod.takesMicrobatchesInNumberOrder`) on the problem renumbered in
/// every candidate order too, and maps each schedule back to the problem's own numbering.
public enum MicrobatchOrder {
    /// A candidate order: microbatch `k` of the renumbered problem is `numbering[k]` of the problem.
    public struct Candidate: Sendable, Equatable {
        public let name: String
        public let numbering: [Int]
    }

    /// The orders beside the problem's own: shortest first and longest first (by time scale, ties in
    /// numbering order), each kept only where it differs from the orders before it. Empty when
    /// microbatches cost alike.
    public static func alternatives(_ problem: Problem) -> [Candidate] {
        guard problem.costsVaryByMicrobatch else { return [] }
        let own = Array(0..<problem.microbatches)
        let time = own.map { problem.scale(microbatch: $0).time }
        var seen = [own]
        var candidates: [Candidate] = []
        for (name, numbering) in [("shortest first", own.sorted { (time[$0], $0) < (time[$1], $1) }),
                                  ("longest first", own.sorted { (-time[$0], $0) < (-time[$1], $1) })] where !seen.contains(numbering) {
            seen.append(numbering)
            candidates.append(Candidate(name: name, numbering: numbering))
        }
        return candidates
    }

    /// `problem` with its microbatches renumbered: microbatch `k` costs what `numbering[k]` does.
    public static func renumbered(_ problem: Problem, _ numbering: [Int]) -> Problem {
        guard let scales = problem.microbatchScales else { return problem }
        // Same fields, scales permuted: it cannot fail where `problem` was accepted.
        return (try? problem.with(limits: .unlimited) {
            $0.microbatchScales = numbering.map { scales[$0] }
        }) ?? problem
    }

    /// A schedule of the renumbered problem as a schedule of the problem: the same passes with the
    /// same costs, so the same times and memory.
    public static func restored(_ schedule: Schedule, _ numbering: [Int]) -> Schedule {
        Schedule(orders: schedule.orders.map { order in
            order.map { Op($0.kind, stage: $0.stage, microbatch: numbering[$0.microbatch], slice: $0.slice) }
        }, overlaps: schedule.overlaps)
    }
}
