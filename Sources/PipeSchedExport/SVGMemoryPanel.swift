import PipeSched

/// The memory strips under an SVG timeline: per device, static memory plus the running sum of the
/// passes' deltas as a step curve (it steps when a pass starts, as the validator counts it) on one
/// shared scale, with the device's cap as a dashed red line.
struct SVGMemoryPanel {
    let layout: SVGLayout
    let problem: Problem
    let document: ScheduleDocument

    func elements() -> [String] {
        let c = SVGSupport.coordinate
        let levels = document.timeline.enumerated().map { device, row in
            device < problem.devices ? problem.memoryLevels(device: device, order: row.map { $0.timedOp.op }) : (levels: [], peak: 0)
        }
        let caps = (0..<document.timeline.count).map { $0 < problem.devices ? problem.cap(device: $0) : .infinity }
        let top = max(levels.map(\.peak).max() ?? 0, caps.filter(\.isFinite).max() ?? 0, 1e-9) * 1.08
        let unit = problem.units.map { " (\($0.memory))" } ?? ""
        let heading = problem.memoryLimit == nil
            ? "memory per device\(unit): static memory + running sum of deltas (no cap)"
            : "memory per device\(unit): static memory + running sum of deltas; dashed red line: cap"
        var out = [##"<text x="\##(c(SVGLayout.margin))" y="\##(c(layout.memoryTop + 12))" font-size="12" font-weight="bold" fill="#222">\##(heading)</text>"##]
        for (device, row) in document.timeline.enumerated() {
            let stripTop = layout.stripTop(device)
            let bottom = stripTop + layout.stripHeight
            func y(_ value: Double) -> Double { bottom - value / top * layout.stripHeight }
            var peakText = "peak \(compact(levels[device].peak))"
            if caps[device].isFinite { peakText += " / cap \(compact(caps[device]))" }
            out.append(##"<text x="\##(c(SVGLayout.margin))" y="\##(c(stripTop + 12))" font-size="11" fill="#222">device \##(device)</text>"##)
            out.append(##"<text x="\##(c(SVGLayout.margin))" y="\##(c(stripTop + 25))" font-size="10" fill="#555">\##(peakText)</text>"##)
            out.append(##"<rect class="strip" x="\##(c(layout.plotLeft))" y="\##(c(stripTop))" width="\##(c(layout.plotWidth))" height="\##(c(layout.stripHeight))" fill="#fafafa" stroke="#dddddd" stroke-width="1"/>"##)
            if let first = row.first, let last = row.last {
                var path = "M\(c(layout.x(layout.origin))) \(c(y(problem.staticMemory(device: device))))"
                for (time, level) in zip(Problem.memoryStepTimes(row.map(\.timedOp)), levels[device].levels) {
                    path += " H\(c(layout.x(time))) V\(c(y(level)))"
                }
                path += " H\(c(layout.x(max(last.end, first.start))))"
                let area = path + " V\(c(bottom)) H\(c(layout.x(layout.origin))) Z"
                out.append(##"<path class="memory-area" d="\##(area)" fill="#c6dbef" stroke="none"/>"##)
                out.append(##"<path class="memory" d="\##(path)" fill="none" stroke="#2b5d8a" stroke-width="1.2"/>"##)
            }
            if caps[device].isFinite {
                let capY = c(y(caps[device]))
                out.append(##"<line class="cap" x1="\##(c(layout.plotLeft))" y1="\##(capY)" x2="\##(c(layout.plotLeft + layout.plotWidth))" y2="\##(capY)" stroke="#d62728" stroke-width="1.2" stroke-dasharray="6 4"><title>cap \##(caps[device].readable)</title></line>"##)
            }
        }
        return out
    }
}

/// Three significant digits, so memory labels fit the label column.
private func compact(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : String(format: "%.3g", value)
}
