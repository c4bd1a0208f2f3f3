/// The dependency rule (`Problem.forEachDependency`) read once per (kind, stage, slice), for hot
/// loops that ask it millions of times (the greedy list scheduler).
///
/// The rule never changes a pass's microbatch: every dependency of a pass of microbatch `i` is a pass
/// of microbatch `i` (checked when the template is built). So the dependencies of microbatch 0 stand
/// for every microbatch, and each is stored with its message's delay on a free link from its device
/// to the pass's: `latency`, plus `transfer` times the microbatch's memory scale
/// (`Problem.lag(of:to:)` split so that one template serves every microbatch).
struct DependencyTemplate: Sendable {
    /// One dependency: a forward, or the input-gradient pass (`B` or `BW`) of a cell.
    struct Entry: Sendable {
        var isInputGradient: Bool
        var stage: Int
        var slice: Int
        var latency: Double
        var transfer: Double

        /// The delay of the message of microbatch memory scale `scale`.
        @inline(__always) func lag(scale: Double) -> Double { latency + transfer * scale }
    }

    /// One pass that waits for a forward or an input-gradient pass of the same microbatch: its row
    /// (`row(of:)`), stage and slice, and the message's delay between the two (as `Entry`'s).
    struct Successor: Sendable {
        var row: Int
        var stage: Int
        var slice: Int
        var latency: Double
        var transfer: Double

        /// The delay of the message of microbatch memory scale `scale`.
        @inline(__always) func lag(scale: Double) -> Double { latency + transfer * scale }
    }

    private let entries: Scratch<Entry>
    private let start: Scratch<Int>
    /// The template read backwards, per producer (forward or input-gradient pass of a stage's slice):
    /// `successors[successorStart[p] ..< successorStart[p + 1]]` for `p = producer(...)`.
    private let successors: Scratch<Successor>
    private let successorStart: Scratch<Int>
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
                    /// An entry for the message of a pass of `kind` on `stage`'s slice: the link's
                    /// latency, and its transfer time at the boundary's message size.
                    func entry(_ kind: OpKind, _ stage: Int, _ slice: Int) -> Entry {
                        let from = problem.stageDevice[stage]
                        return Entry(isInputGradient: kind.producesInputGradient, stage: stage, slice: slice,
                                     latency: problem.communication.latency(from: from, to: device),
                                     transfer: problem.communication.transfer(from: from, to: device, scale: problem.messageSize(kind, stage: stage, slice: slice)))
                    }
                    problem.forEachDependency(of: Op(kind, stage: stage, microbatch: 0, slice: slice)) { dependency in
                        switch dependency {
                        case .op(let needed):
                            precondition(needed.microbatch == 0, "a dependency changed the microbatch")
                            entries.append(entry(needed.kind, needed.stage, needed.slice))
                        case .inputGradient(let producer, let microbatch, let slice):
                            precondition(microbatch == 0, "a dependency changed the microbatch")
                            entries.append(entry(.backwardInput, producer, slice))
                        case .ifScheduled:
                            break  // on the same device; the list scheduler orders a cell's R itself
                        }
                    }
                    start.append(entries.count)
                }
            }
        }
        self.entries = Scratch(entries)
        self.start = Scratch(start)
        var waiting = Array(repeating: [Successor](), count: 2 * stages * slices)
        for row in 0..<4 {
            for stage in 0..<stages {
                for slice in 0..<slices {
                    let index = (row * stages + stage) * slices + slice
                    for entry in entries[start[index]..<start[index + 1]] {
                        let producer = ((entry.isInputGradient ? 1 : 0) * stages + entry.stage) * slices + entry.slice
                        waiting[producer].append(Successor(row: row, stage: stage, slice: slice, latency: entry.latency, transfer: entry.transfer))
                    }
                }
            }
        }
        successors = Scratch(waiting.flatMap { $0 })
        successorStart = Scratch(waiting.reduce(into: [0]) { $0.append($0.last! + $1.count) })
    }

    /// The row of a pass kind in the template: forward 0, input gradient (`B` or `BW`) 1, `W` 2, `R` 3.
    @inline(__always)
    static func row(of kind: OpKind) -> Int {
        switch kind {
        case .forward: 0
        case .backwardInput, .backward: 1
        case .backwardWeight: 2
        case .recompute: 3
        case .offload, .reload: preconditionFailure("the template has no copies: the list scheduler never offloads")
        }
    }

    /// How many dependencies a pass of `kind` on a stage's slice has, any microbatch.
    func count(_ kind: OpKind, stage: Int, slice: Int) -> Int { positions(kind, stage: stage, slice: slice).count }

    /// Where the passes waiting for a forward (or, with `inputGradient`, a `B`/`BW`) of a stage's
    /// slice sit: read each as `successor(at:)`.
    @inline(__always)
    func successorPositions(inputGradient: Bool, stage: Int, slice: Int) -> Range<Int> {
        let producer = ((inputGradient ? 1 : 0) * stages + stage) * slices + slice
        return successorStart[producer]..<successorStart[producer + 1]
    }

    @inline(__always) func successor(at position: Int) -> Successor { successors[position] }

    /// Where the dependencies of a pass of `kind` (`BW` as `B`) on a stage's slice, any microbatch,
    /// sit: read each as `self[position]` (a range, not a slice, so a hot loop retains nothing).
    @inline(__always)
    func positions(_ kind: OpKind, stage: Int, slice: Int) -> Range<Int> {
        let index = (Self.row(of: kind) * stages + stage) * slices + slice
        return start[index]..<start[index + 1]
    }

    @inline(__always) subscript(position: Int) -> Entry { entries[position] }
}
