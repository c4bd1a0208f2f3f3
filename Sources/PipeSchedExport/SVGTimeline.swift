import PipeSched

/// A schedule drawn as a standalone SVG timeline people can read at a glance.
///
/// One row per device with time on x; F, B, W and BW passes in distinct colours (every second model
/// chunk on a device in a lighter shade) labelled with their microbatch when the box is wide enough;
/// idle time inside a device's span in light red; a time axis; with the problem, one memory strip
/// per device under the rows with the cap dashed; where the problem's messages hold their links
/// (`Communication.transfer`), a link strip under each device row with the messages it sends, as long
/// as each holds its link (to a higher device in the upper half, to a lower one in the lower half).
/// The title gives method, objective, bubble rate,
/// lower bound and gap. The width grows with the schedule so the narrowest pass is at least 3 px
/// wide and typical passes fit their label; every text is at least 10 px.
public struct SVGTimeline: Sendable {
    public init() {}

    /// The SVG document; `problem` adds memory strips, caps and the placement name.
    public func render(_ document: ScheduleDocument, problem: Problem? = nil) -> String {
        let layout = SVGLayout(document, problem: problem)
        var svg: [String] = []
        let w = SVGSupport.coordinate(layout.width), h = SVGSupport.coordinate(layout.height)
        svg.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(w)" height="\##(h)" viewBox="0 0 \##(w) \##(h)" font-family="Helvetica, Arial, sans-serif">"##)
        svg.append(##"<rect class="background" x="0" y="0" width="\##(w)" height="\##(h)" fill="#ffffff"/>"##)
        svg += title(document, problem: problem)
        svg += legend(document, layout: layout)
        svg += rows(document, layout: layout, unit: problem?.units?.time)
        if let problem, layout.linkHeight > 0 { svg += links(document, problem: problem, layout: layout) }
        svg += axis(layout, unit: problem?.units?.time)
        if let problem { svg += SVGMemoryPanel(layout: layout, problem: problem, document: document).elements() }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    private func title(_ document: ScheduleDocument, problem: Problem?) -> [String] {
        let m = document.metrics
        let value = m.value(of: document.objective)
        let head = "\(document.method) on \(document.problem): \(document.objective.rawValue) \(value.readable)"
        var facts = ["bubble rate \(SVGSupport.percent(m.bubbleRate))", "lower bound \(m.lowerBound.readable)",
                     "gap \(SVGSupport.percent(m.gap))", "makespan \(m.makespan.readable)"]
        let devices = document.timeline.count
        let microbatches = problem?.microbatches ?? ((document.timeline.joined().map(\.microbatch).max() ?? -1) + 1)
        var shape = "\(devices) devices, \(document.placement.count) stages, \(microbatches) microbatches"
        if let name = problem?.placement.name { shape += ", \(name) placement" }
        facts.append(shape)
        return [
            text(x: SVGLayout.margin, y: 24, size: 16, bold: true, head),
            text(x: SVGLayout.margin, y: 44, size: 12, facts.joined(separator: "  ·  ")),
        ]
    }

    private func legend(_ document: ScheduleDocument, layout: SVGLayout) -> [String] {
        let kinds = Set(document.timeline.joined().map(\.op))
        var items: [(fill: String, label: String)] = OpKind.allCases.filter(kinds.contains).map {
            (SVGSupport.fill($0, chunk: 0), SVGSupport.kindName($0))
        }
        if layout.hasSecondChunk {
            items.append((SVGSupport.fill(.forward, chunk: 1), "lighter: 2nd model chunk on the device"))
        }
        items.append((SVGLayout.idleFill, "idle (bubble)"))
        var out: [String] = []
        var x = SVGLayout.margin
        let y = 58.0
        for item in items {
            out.append(##"<rect class="legend" x="\##(SVGSupport.coordinate(x))" y="\##(SVGSupport.coordinate(y))" width="12" height="12" fill="\##(item.fill)"/>"##)
            out.append(text(x: x + 16, y: y + 10, size: 11, item.label))
            x += 16 + Double(item.label.count) * 6.2 + 18
        }
        return out
    }

    /// `unit`: the problem's time unit, which each pass's tooltip names.
    private func rows(_ document: ScheduleDocument, layout: SVGLayout, unit: String?) -> [String] {
        var out: [String] = []
        let c = SVGSupport.coordinate
        for device in document.timeline.indices {
            let top = layout.rowTop(device)
            out.append(text(x: SVGLayout.margin, y: top + layout.rowHeight / 2 + 4, size: 11, "device \(device)"))
            out.append(##"<rect class="row" x="\##(c(layout.plotLeft))" y="\##(c(top))" width="\##(c(layout.plotWidth))" height="\##(c(layout.rowHeight))" fill="#f4f4f4"/>"##)
        }
        for tick in layout.ticks {
            let x = c(layout.x(tick))
            out.append(##"<line class="grid" x1="\##(x)" y1="\##(c(layout.rowsTop))" x2="\##(x)" y2="\##(c(layout.rowsBottom))" stroke="#ffffff" stroke-width="1"/>"##)
        }
        for (device, row) in document.timeline.enumerated() {
            let top = layout.rowTop(device)
            if layout.copyHeight > 0 {
                out.append(##"<rect class="copy-row" x="\##(c(layout.plotLeft))" y="\##(c(top + layout.rowHeight))" width="\##(c(layout.plotWidth))" height="\##(c(layout.copyHeight))" fill="#fafafa"/>"##)
            }
            let compute = row.filter(\.op.computes)
            for (previous, next) in zip(compute, compute.dropFirst()) where next.start - previous.end > 1e-9 {
                let x = layout.x(previous.end)
                out.append(##"<rect class="idle" x="\##(c(x))" y="\##(c(top))" width="\##(c(layout.x(next.start) - x))" height="\##(c(layout.rowHeight))" fill="\##(SVGLayout.idleFill)"><title>idle \##(previous.end.readable)–\##(next.start.readable)</title></rect>"##)
            }
        }
        for (device, row) in document.timeline.enumerated() {
            for entry in row {
                // An overlapped F&B pair shares its time: the forward takes the upper half of the row,
                // the backward the lower half. Copies sit in the strip under the row: offloads in its
                // upper half, reloads in its lower half.
                let half = layout.rowHeight / 2
                let copyHalf = layout.copyHeight / 2
                let top = switch entry.op.stream {
                case .compute: layout.rowTop(device) + 1 + (entry.overlapped && entry.op != .forward ? half - 1 : 0)
                case .deviceToHost: layout.rowTop(device) + layout.rowHeight
                case .hostToDevice: layout.rowTop(device) + layout.rowHeight + copyHalf
                }
                let height = !entry.op.computes ? copyHalf : entry.overlapped ? half - 1 : layout.rowHeight - 2
                let x = layout.x(entry.start)
                let width = max((entry.end - entry.start) * layout.scale - 0.6, 0.8)
                let fill = SVGSupport.fill(entry.op, chunk: layout.chunk(of: entry.stage))
                let slice = entry.slice == 0 ? "" : " slice \(entry.slice)"
                let overlapped = entry.overlapped ? " (overlapped F&B)" : ""
                let tip = "\(entry.op.rawValue) stage \(entry.stage) microbatch \(entry.microbatch)\(slice)\(overlapped): \(entry.start.readable)–\(entry.end.readable)"
                    + (unit.map { " \($0)" } ?? "")
                out.append(##"<rect class="op" x="\##(c(x))" y="\##(c(top))" width="\##(c(width))" height="\##(c(height))" fill="\##(fill)"><title>\##(SVGSupport.escape(tip))</title></rect>"##)
                let label = entry.slice == 0 ? "\(entry.microbatch)" : "\(entry.microbatch).\(entry.slice)"
                if entry.op.computes, width >= Double(label.count) * SVGLayout.digitWidth + 3 {
                    out.append(##"<text class="label" x="\##(c(x + width / 2))" y="\##(c(top + height / 2 + 3.5))" font-size="10" text-anchor="middle" fill="\##(SVGSupport.textColor(on: fill))">\##(label)</text>"##)
                }
            }
        }
        return out
    }

    /// Each device's link strip: the messages it sends, from when they leave to when they free the link.
    private func links(_ document: ScheduleDocument, problem: Problem, layout: SVGLayout) -> [String] {
        let c = SVGSupport.coordinate
        var out: [String] = []
        for device in document.timeline.indices {
            let top = layout.linkTop(device)
            out.append(text(x: SVGLayout.margin + 8, y: top + layout.linkHeight - 1, size: 10, "links"))
            out.append(##"<rect class="link-row" x="\##(c(layout.plotLeft))" y="\##(c(top))" width="\##(c(layout.plotWidth))" height="\##(c(layout.linkHeight))" fill="#f0f4fa"/>"##)
        }
        let half = layout.linkHeight / 2
        let messages = Messages(problem, document.timedTimeline)
        for (op, message) in messages.byProducer.sorted(by: { ($0.value.from, $0.value.leaves) < ($1.value.from, $1.value.leaves) }) {
            let held = message.holdsLink
            guard held > 0 else { continue }
            let top = layout.linkTop(message.from) + (message.to > message.from ? 0 : half)
            let tip = "\(op) to device \(message.to): holds the link \(message.leaves.readable)–\((message.leaves + held).readable), arrives \(message.arrives.readable)"
            out.append(##"<rect class="message" x="\##(c(layout.x(message.leaves)))" y="\##(c(top))" width="\##(c(max(held * layout.scale - 0.4, 0.8)))" height="\##(c(half))" fill="#5c7cab"><title>\##(SVGSupport.escape(tip))</title></rect>"##)
        }
        return out
    }

    private func axis(_ layout: SVGLayout, unit: String?) -> [String] {
        let c = SVGSupport.coordinate
        let y = layout.rowsBottom + 4
        var out = [##"<line class="axis" x1="\##(c(layout.plotLeft))" y1="\##(c(y))" x2="\##(c(layout.plotLeft + layout.plotWidth))" y2="\##(c(y))" stroke="#444" stroke-width="1"/>"##]
        for tick in layout.ticks {
            let x = c(layout.x(tick))
            out.append(##"<line class="tick" x1="\##(x)" y1="\##(c(y))" x2="\##(x)" y2="\##(c(y + 4))" stroke="#444" stroke-width="1"/>"##)
            out.append(##"<text class="tick-label" x="\##(x)" y="\##(c(y + 16))" font-size="10" text-anchor="middle" fill="#333">\##(tick.readable)</text>"##)
        }
        out.append(text(x: SVGLayout.margin, y: y + 16, size: 10, unit.map { "time (\($0))" } ?? "time"))
        return out
    }

    func text(x: Double, y: Double, size: Int, bold: Bool = false, _ content: String) -> String {
        let weight = bold ? ##" font-weight="bold""## : ""
        return ##"<text x="\##(SVGSupport.coordinate(x))" y="\##(SVGSupport.coordinate(y))" font-size="\##(size)"\##(weight) fill="#222">\##(SVGSupport.escape(content))</text>"##
    }
}

/// Geometry of an SVG timeline: scale, rows, ticks and the memory strips below.
struct SVGLayout {
    static let margin = 12.0
    static let labelColumn = 104.0
    static let rightMargin = 24.0
    static let digitWidth = 5.6
    static let idleFill = "#f7c6c6"
    static let minimumPlotWidth = 960.0
    static let maximumPlotWidth = 16000.0
    static let narrowestPass = 3.0
    static let labelledPass = 16.0

    let origin: Double
    let scale: Double
    let plotLeft = margin + labelColumn
    let plotWidth: Double
    let rowsTop = 80.0
    let rowHeight = 20.0
    /// The copy-stream strip under each device row, when the schedule offloads (0 otherwise).
    let copyHeight: Double
    /// The link strip under each device row, when the problem's messages hold their links (0 otherwise).
    let linkHeight: Double
    let rowGap = 4.0
    let devices: Int
    let ticks: [Double]
    let memoryTop: Double
    let stripHeight = 30.0
    let stripGap = 8.0
    let height: Double
    private let chunkOfStage: [Int]

    init(_ document: ScheduleDocument, problem: Problem?) {
        let entries = document.timeline.joined()
        copyHeight = entries.contains { !$0.op.computes } ? 12 : 0
        linkHeight = problem?.communication.linksContend == true ? 10 : 0
        origin = entries.map(\.start).min() ?? 0
        let end = entries.map(\.end).max() ?? 1
        let span = max(end - origin, 1e-9)
        let durations = entries.map { $0.end - $0.start }.filter { $0 > 1e-12 }.sorted()
        let narrowest = durations.first ?? span
        let short = durations.isEmpty ? span : durations[durations.count / 10]
        var scale = max(Self.minimumPlotWidth / span, Self.narrowestPass / narrowest)
        scale = max(scale, min(Self.labelledPass / short, Self.maximumPlotWidth / span))
        self.scale = scale
        plotWidth = span * scale
        devices = document.timeline.count
        let step = SVGSupport.niceStep(90 / scale)
        let start = origin
        ticks = stride(from: 0.0, through: span + 1e-9, by: step).map { start + $0 }
        var chunks = [Int](repeating: 0, count: document.placement.count)
        for device in Set(document.placement) {
            let mine = document.placement.indices.filter { document.placement[$0] == device }
            for (k, stage) in mine.enumerated() { chunks[stage] = k }
        }
        chunkOfStage = chunks
        let rowsBottom = rowsTop + Double(devices) * (rowHeight + copyHeight + linkHeight + rowGap) - rowGap
        memoryTop = rowsBottom + 44
        let memoryHeight = problem == nil ? 0 : 22 + Double(devices) * (stripHeight + stripGap)
        height = memoryTop + memoryHeight + (problem == nil ? -16 : 8)
    }

    var width: Double { plotLeft + plotWidth + Self.rightMargin }
    var rowsBottom: Double { rowsTop + Double(devices) * (rowHeight + copyHeight + linkHeight + rowGap) - rowGap }
    var hasSecondChunk: Bool { chunkOfStage.contains { $0 > 0 } }

    func rowTop(_ device: Int) -> Double { rowsTop + Double(device) * (rowHeight + copyHeight + linkHeight + rowGap) }
    func linkTop(_ device: Int) -> Double { rowTop(device) + rowHeight + copyHeight }
    func x(_ time: Double) -> Double { plotLeft + (time - origin) * scale }
    func chunk(of stage: Int) -> Int { stage < chunkOfStage.count ? chunkOfStage[stage] : 0 }
    func stripTop(_ device: Int) -> Double { memoryTop + 22 + Double(device) * (stripHeight + stripGap) }
}
