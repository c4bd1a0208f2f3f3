import Foundation
import PipeSched

/// The one line `solve` prints on standard error on success: method, objective, bubble, bound and
/// gap, peak memory against the cap, for `auto` the ratio to the best of PyTorch's built-in classes
/// among its candidates (`ScheduleDocument.torchBaseline`) and, under stageSpan, the two makespans
/// (the step's wall time, which a device starting later or earlier does not change), and where the
/// schedule went.
enum SolveSummary {
    static func line(_ document: ScheduleDocument, problem: Problem, written path: String?) -> String {
        let m = document.metrics
        let value = m.value(of: document.objective)
        var parts = ["\(document.method): \(document.objective.rawValue) \(value.readable)",
                     "bubble \(String(format: "%.2f", m.bubbleRate * 100))%",
                     "lower bound \(m.lowerBound.readable) (gap \(String(format: "%.2f", m.gap * 100))%)"]
        parts.append(peakMemory(m.peakMemory, caps: problem.memoryLimit))
        if let baseline = document.torchBaseline, baseline.value > 0 {
            parts.append("\(String(format: "%.4f", value / baseline.value))× PyTorch's best built-in here (\(baseline.torchClass), \(baseline.value.readable))")
            if document.objective != .makespan, let theirs = baseline.makespan, theirs > 0 {
                parts.append("makespan \(m.makespan.readable) against its \(theirs.readable) (\(String(format: "%.4f", m.makespan / theirs))×)")
            }
        }
        return (path.map { "wrote \($0): " } ?? "") + parts.joined(separator: ", ")
    }

    /// The highest peak, or under caps the peak of the device closest to its cap, against that
    /// device's cap (named when the caps differ): the highest peak beside the lowest cap could read
    /// as a breach when the two are different devices.
    static func peakMemory(_ peaks: [Double], caps: [Double]?) -> String {
        guard let caps, caps.count == peaks.count, !peaks.isEmpty else { return "peak memory \((peaks.max() ?? 0).readable)" }
        let device = peaks.indices.min { caps[$0] - peaks[$0] < caps[$1] - peaks[$1] }!
        let which = Set(caps).count > 1 ? " on device \(device)" : ""
        return "peak memory \(peaks[device].readable) of \(caps[device].readable)\(which)"
    }
}

/// Prints each better schedule a searching method finds, with the time since the start.
final class SolveProgress: Sendable {
    let objective: Objective
    let start = Date()

    init(objective: Objective) { self.objective = objective }

    @Sendable func report(_ value: Double) {
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data("  \(seconds) s: best \(objective.rawValue) so far \(value.readable)\n".utf8))
    }
}
