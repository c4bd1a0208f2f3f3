/// The dependency rule (`Problem.forEachDependency`) read once per (kind, stage, slice), for hot
/// loops that ask it millions of times (the greedy list scheduler).
///
/// The rule never changes a pass's microbatch: every dependency of a pass of microbatch `i` is a pass
/// of microbatch `i` (checked when the template is built). So the dependencies of microbatch 0 stand
/// for every microbatch, and each is stored with the link latency from its device to the pass's.
struct DependencyTemplate: Sendable {
    /// One dependency: a forward, or the input-gradient pass (`B` or `BW`) of a cell.
    struct Entry: Sendable {
        var isInputGradient: Bool
        var stage: Int
        var slice: Int
        var latency: Double
    }

    private let entries: [Entry]
    private let start: [Int]
    private let stages: Int
    private let slices: Int

    init(_ problem: Problem) {
        stages = problem.stageCount
        slices = problem.sequenceSlices
        var entries: [Entry] = []
        var start = [0]
        for kind in [OpKind.forward, .backwardInput, .backwardWeight, .recompute] {
            for stage in 0..<stages {
                for slice in 0..<slices {
                    let device = problem.stageDevice[stage]
                    problem.forEachDependency(of: Op(kind, stage: stage, microbatch: 0, slice: slice)) { dependency in
                        switch dependency {
                        case .op(let needed):
                            precondition(needed.microbatch == 0, "a dependency changed the microbatch")
                            entries.append(Entry(isInputGradient: needed.kind.producesInputGradient, stage: needed.stage, slice: needed.slice,
                                                 latency: problem.communication.latency(from: problem.stageDevice[needed.stage], to: device)))
                        case .inputGradient(let producer, let microbatch, let slice):
                            precondition(microbatch == 0, "a dependency changed the microbatch")
                            entries.append(Entry(isInputGradient: true, stage: producer, slice: slice,
                                                 latency: problem.communication.latency(from: problem.stageDevice[producer], to: device)))
                        case .recomputation:
                            break  // on the same device; the list scheduler orders a cell's R itself
                        }
                    }
                    start.append(entries.count)
                }
            }
        }
        self.entries = entries
        self.start = start
    }

    /// Where the dependencies of a pass of `kind` (`BW` as `B`) on a stage's slice, any microbatch,
    /// sit: read each as `self[position]` (a range, not a slice, so a hot loop retains nothing).
    @inline(__always)
    func positions(_ kind: OpKind, stage: Int, slice: Int) -> Range<Int> {
        let row: Int
        switch kind {
        case .forward: row = 0
        case .backwardInput, .backward: row = 1
        case .backwardWeight: row = 2
        case .recompute: row = 3
        }
        let index = (row * stages + stage) * slices + slice
        return start[index]..<start[index + 1]
    }

    @inline(__always) subscript(position: Int) -> Entry { entries[position] }
}
