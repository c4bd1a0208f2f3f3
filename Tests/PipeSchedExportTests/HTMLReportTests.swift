import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// The HTML report: one self-contained page with the timeline, metrics and problem summary.
@Suite struct HTMLReportTests {
    @Test func containsTheTimelineTheMetricsAndTheProblemSummary() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, memoryLimit: 30)
        let document = try ExportFixtures.document(problem, method: "zb-h1")
        let html = HTMLReport().render(document, problem: problem)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains("<h2>Metrics</h2>") && html.contains("bubble rate") && html.contains("gap to the lower bound"))
        #expect(html.contains("<h2>Problem</h2>") && html.contains("<h2>Stages</h2>") && html.contains("memory cap"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
    }

    @Test func withoutTheProblemItSaysWhatIsMissing() throws {
        let document = try ExportFixtures.document(ExportFixtures.problem(devices: 2, microbatches: 2), method: "1f1b")
        let html = HTMLReport().render(document)
        #expect(!html.contains("<h2>Problem</h2>"))
        #expect(html.contains("export with --problem"))
    }

    @Test func namesAreEscaped() throws {
        let base = ExportFixtures.problem(devices: 2, microbatches: 2)
        let problem = try Problem(name: "a<b>&\"c\"", microbatches: 2, devices: 2, stages: base.stages)
        let html = HTMLReport().render(try ExportFixtures.document(problem, method: "1f1b"), problem: problem)
        #expect(html.contains("a&lt;b&gt;&amp;&quot;c&quot;"))
        #expect(!html.contains("a<b>"))
    }
}
