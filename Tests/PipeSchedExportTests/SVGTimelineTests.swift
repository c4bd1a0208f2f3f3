import Foundation
import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// The SVG timeline: well-formed, one rectangle per pass, legible at p=16, m=64, stable output.
@Suite struct SVGTimelineTests {
    func render(_ problem: Problem, method: String, withProblem: Bool = true) throws -> (ScheduleDocument, String) {
        let document = try ExportFixtures.document(problem, method: method)
        return (document, SVGTimeline().render(document, problem: withProblem ? problem : nil))
    }

    @Test func isWellFormedXMLWithOneRectanglePerPass() throws {
        for problem in ExportFixtures.placements {
            for family in ScheduleFamilies.all {
                guard let (document, svg) = try? render(problem, method: family.name) else { continue }
                let elements = try #require(XMLElements.parse(svg), "\(family.name): not well-formed")
                #expect(elements.first?.name == "svg")
                let ops = elements.filter { $0.name == "rect" && $0.attributes["class"] == "op" }
                #expect(ops.count == document.timeline.joined().count)
                #expect(elements.filter { $0.name == "path" && $0.attributes["class"] == "memory" }.count == problem.devices)
            }
        }
    }

    /// Where messages hold their links, each device row gets a link strip with one rectangle per
    /// message it sends; without transfers there is none.
    @Test func busyLinksGetAStripPerDevice() throws {
        let base = ExportFixtures.problem(devices: 3, microbatches: 4)
        let problem = try base.with { $0.communication = Communication(latency: 0.1, transfer: 1.5, topology: nil) }
        let (document, svg) = try render(problem, method: "1f1b")
        let elements = try #require(XMLElements.parse(svg))
        #expect(elements.filter { $0.attributes["class"] == "link-row" }.count == problem.devices)
        let messages = Messages(problem, document.timedTimeline)
        #expect(elements.filter { $0.attributes["class"] == "message" }.count == messages.byProducer.count)
        #expect(messages.byProducer.count == 2 * (problem.devices - 1) * problem.microbatches)
        let (_, plain) = try render(base, method: "1f1b")
        #expect(!plain.contains("link-row"))
    }

    @Test func withoutTheProblemThereAreNoMemoryStrips() throws {
        let (_, svg) = try render(ExportFixtures.problem(devices: 4, microbatches: 8), method: "zb-h1", withProblem: false)
        let elements = try #require(XMLElements.parse(svg))
        #expect(!elements.contains { $0.attributes["class"] == "memory" })
        #expect(!elements.contains { $0.attributes["class"] == "cap" })
    }

    @Test func theCapIsDrawnPerDeviceWhenTheProblemHasOne() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, memoryLimit: 30)
        let (_, svg) = try render(problem, method: "1f1b")
        let elements = try #require(XMLElements.parse(svg))
        #expect(elements.filter { $0.attributes["class"] == "cap" }.count == 4)
        #expect(svg.contains("cap 30"))
    }

    @Test func everyTextIsAtLeastTenPixels() throws {
        let (_, svg) = try render(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2), method: "bfs")
        let texts = try #require(XMLElements.parse(svg)).filter { $0.name == "text" }
        #expect(!texts.isEmpty)
        for text in texts { #expect((Double(text.attributes["font-size"] ?? "0") ?? 0) >= 10) }
    }

    @Test func anOverlappedPairSharesItsRowForwardAboveBackwardBelow() throws {
        let problem = try ExportFixtures.overlapping(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2))
        let (document, svg) = try render(problem, method: "dualpipev")
        let elements = try #require(XMLElements.parse(svg))
        let ops = elements.filter { $0.name == "rect" && $0.attributes["class"] == "op" }
        #expect(ops.count == document.timeline.joined().count)
        let pairs = document.timeline.joined().filter(\.overlapped).count
        #expect(pairs == 2 * 25)
        let halves = ops.filter { $0.attributes["height"] == "9" }
        #expect(halves.count == pairs, "each pass of a pair takes half of its row")
        for text in elements where text.name == "text" { #expect((Double(text.attributes["font-size"] ?? "0") ?? 0) >= 10) }
    }

    @Test func theTitleCarriesMethodObjectiveBubbleRateLowerBoundAndGap() throws {
        let (document, svg) = try render(ExportFixtures.problem(devices: 4, microbatches: 8), method: "zb-h2")
        #expect(svg.contains("zb-h2 on \(document.problem): stageSpan \(document.metrics.stageSpan.readable)"))
        #expect(svg.contains("bubble rate ") && svg.contains("lower bound \(document.metrics.lowerBound.readable)") && svg.contains("gap "))
    }

    @Test func staysLegibleAtSixteenDevicesAndSixtyFourMicrobatches() throws {
        let (document, svg) = try render(ExportFixtures.problem(devices: 16, microbatches: 64), method: "zb-h1")
        let elements = try #require(XMLElements.parse(svg))
        let ops = elements.filter { $0.attributes["class"] == "op" }
        #expect(ops.count == 16 * 64 * 3)
        for op in ops { #expect((Double(op.attributes["width"] ?? "0") ?? 0) + 0.6 >= 3 - 0.01) }
        let labels = elements.filter { $0.attributes["class"] == "label" }
        #expect(labels.count >= ops.count * 9 / 10, "most passes carry their microbatch number")
        for text in elements where text.name == "text" { #expect((Double(text.attributes["font-size"] ?? "0") ?? 0) >= 10) }
        let width = try #require(Double(elements[0].attributes["width"] ?? ""))
        #expect(width > 2000 && width < 17000)
        #expect(document.timeline.count == 16)
    }

    @Test func aSmallScheduleMatchesItsSnapshot() throws {
        let problem = ExportFixtures.problem(devices: 2, microbatches: 3, memoryLimit: 12)
        let (_, svg) = try render(problem, method: "zb-h1")
        let url = ExportFixtures.snapshot("zb-h1-2x3.svg")
        if ProcessInfo.processInfo.environment["PIPESCHED_UPDATE_SNAPSHOTS"] == "1" {
            try svg.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(svg == expected, "run with PIPESCHED_UPDATE_SNAPSHOTS=1 to re-record after an intended change")
    }
}
