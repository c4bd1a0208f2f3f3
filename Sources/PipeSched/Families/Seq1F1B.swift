/// Seq1F1B: 1F1B over sequence slices. Each microbatch is split into k slices along the sequence;
/// every (microbatch, slice) is a unit, forwards run slices in order and backwards in reverse.
///
/// Sun et al., "Seq1F1B: Efficient Sequence-Level Pipeline Parallelism for Large Language Model
/// Training", arXiv 2406.03488. The order follows the reference `seq1f1b.py` of the Zero Bubble
/// repository (`create_schedule`): stage s warms up with `min(p − s − 2 + k, m·k)` forward units, then
/// alternates one forward unit and one backward unit, then cools down. The backward is fused (BW), as
/// in the reference and the paper's main schedule: Seq1F1B's point is memory, and a fused backward
/// frees a slice's activations in one pass; the split B/W variant is `zb-h1` on a sliced problem.
/// With k = 1 it is exactly 1F1B.
public struct Seq1F1B: ScheduleFamily {
    public let name = "seq1f1b"
    public let summary = "Seq1F1B (Sun et al., arXiv 2406.03488): 1F1B over sequence slices, warm-up p−s−2+k units, fused BW"

    public init() {}

    public func build(_ problem: Problem) throws(FamilyError) -> Schedule {
        try requireOneStagePerDevice(problem, allowingSlices: true)
        let units = problem.microbatches * problem.sequenceSlices
        return ordersByStage(problem) { stage in
            func op(_ kind: OpKind, _ unit: (microbatch: Int, slice: Int)) -> Op {
                Op(kind, stage: stage, microbatch: unit.microbatch, slice: unit.slice)
            }
            let warmup = min(problem.lastStage - stage - 1 + problem.sequenceSlices, units)
            var order = (0..<warmup).map { op(.forward, forwardUnit($0, problem)) }
            for k in 0..<(units - warmup) {
                order.append(op(.forward, forwardUnit(warmup + k, problem)))
                order.append(op(.backward, backwardUnit(k, problem)))
            }
            order += ((units - warmup)..<units).map { op(.backward, backwardUnit($0, problem)) }
            return order
        }
    }
}
