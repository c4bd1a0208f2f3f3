/// Whether a schedule file belongs to a problem: the one rule `evaluate` and `export --problem`
/// apply before anything reads the timeline with the problem's dimensions.
extension ScheduleDocument {
    /// The shape of the schedule (devices, stages, microbatches, slices) as written in the file.
    public var shape: (devices: Int, stages: Int, microbatches: Int, slices: Int) {
        let entries = timeline.joined()
        return (timeline.count, placement.count, (entries.map(\.microbatch).max() ?? -1) + 1, (entries.map(\.slice).max() ?? -1) + 1)
    }

    /// Why this schedule was not made for `problem` (devices, stages and their placement,
    /// microbatches, slices, pipelines or the stages' inputs differ), naming both sides; `nil` when the shapes agree.
    public func mismatch(with problem: Problem) -> String? {
        let mine = shape
        let pipelines = self.pipelines ?? 1
        let differs = mine.devices != problem.devices || placement != problem.stageDevice
            || mine.microbatches != problem.microbatches || mine.slices != problem.sequenceSlices || pipelines != problem.pipelines
            || stageInputs != problem.graph.recordedInputs
        guard differs else { return nil }
        func describe(_ name: String, _ devices: Int, _ stages: Int, _ microbatches: Int, _ slices: Int, _ placement: [Int], _ pipelines: Int,
                      _ inputs: [[Int]]?) -> String {
            let sliced = slices == 1 ? "" : ", \(slices) slices"
            let copies = pipelines == 1 ? "" : ", \(pipelines) pipelines"
            let graph = inputs.map { ", stage inputs \($0)" } ?? ""
            return "\"\(name)\" (\(devices) devices, \(stages) stages placed \(placement), \(microbatches) microbatches\(sliced)\(copies)\(graph))"
        }
        return "the schedule was made for problem \(describe(self.problem, mine.devices, mine.stages, mine.microbatches, mine.slices, placement, pipelines, stageInputs)), "
            + "not for problem \(describe(problem.name, problem.devices, problem.stageCount, problem.microbatches, problem.sequenceSlices, problem.stageDevice, problem.pipelines, problem.graph.recordedInputs)); "
            + "give the problem the schedule was solved for"
    }
}
