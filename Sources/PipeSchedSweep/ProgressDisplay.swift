import Foundation

/// Shows sweep progress on standard error: a redrawn bar with ETA on a terminal, plain lines (at
/// most one every few seconds, and the last) when the output is a file or a pipe.
public final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive: Bool
    private let output: FileHandle
    private let began = Date()
    private var lastDraw = Date.distantPast
    private let interval: Double

    /// `interactive` defaults to whether standard error is a terminal.
    public init(output: FileHandle = .standardError, interactive: Bool? = nil, plainInterval: Double = 5) {
        self.output = output
        self.interactive = interactive ?? (isatty(output.fileDescriptor) != 0)
        interval = plainInterval
    }

    /// Shows the state after a run.
    public func update(_ progress: SweepRunner.Progress) {
        lock.withLock {
            let now = Date()
            let finished = progress.done == progress.total
            let minimum = interactive ? 0.1 : interval
            guard finished || now.timeIntervalSince(lastDraw) >= minimum else { return }
            lastDraw = now
            let line = Self.describe(progress, elapsed: now.timeIntervalSince(began), bar: interactive)
            output.write(Data((interactive ? "\r\u{1B}[K" + line + (finished ? "\n" : "") : line + "\n").utf8))
        }
    }

    /// `[#####.....] 45/120 runs  37%  ETA 0:12  (3 computed, 42 from the store)`.
    static func describe(_ progress: SweepRunner.Progress, elapsed: Double, bar: Bool) -> String {
        let fraction = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 1
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let gauge = bar ? "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " : ""
        let eta: String
        if progress.done == progress.total {
            eta = "done in \(clock(elapsed))"
        } else if progress.done > 0 {
            eta = "ETA \(clock(elapsed / Double(progress.done) * Double(progress.total - progress.done)))"
        } else {
            eta = "ETA -"
        }
        let invalid = progress.invalid > 0 ? ", \(progress.invalid) on invalid points" : ""
        return "\(gauge)\(progress.done)/\(progress.total) runs  \(Int(fraction * 100))%  \(eta)  (\(progress.computed) computed, \(progress.reused) from the store\(invalid))"
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
