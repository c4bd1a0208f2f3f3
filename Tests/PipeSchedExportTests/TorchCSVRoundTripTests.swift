import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// Export, import, evaluate: the same metrics; PyTorch's own schedules evaluate under our costs.
@Suite struct TorchCSVRoundTripTests {
    @Test(arguments: [TorchVersion(major: 2, minor: 5), TorchVersion.tested])
    func exportThenImportThenEvaluateGivesTheSameMetrics(version: TorchVersion) throws {
        var checked = 0
        for problem in ExportFixtures.placements {
            for family in ScheduleFamilies.all {
                guard let document = try? ExportFixtures.document(problem, method: family.name) else { continue }
                let text = try TorchCSVWriter(version: version).write(document, microbatches: problem.microbatches).text
                let schedule = try TorchCSVReader(version: version).schedule(text, for: problem)
                #expect(schedule == Schedule(document.timedTimeline))
                let evaluation = try Evaluation(problem, schedule, objective: document.objective)
                #expect(evaluation.isValid)
                #expect(evaluation.metrics == document.metrics, "\(family.name) on \(problem.placement)")
                checked += 1
            }
        }
        #expect(checked >= ScheduleFamilies.all.count)
    }

    @Test(arguments: [("izb_4rank_8mb.csv", Placement.interleaved), ("zbv_4rank_8mb.csv", .v), ("dualpipev_4rank_8mb.csv", .v)])
    func pytorchsBuiltInSchedulesEvaluateUnderOurCostModel(file: String, placement: Placement) throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, placement: placement, chunks: 2)
        let schedule = try TorchCSVReader().schedule(try ExportFixtures.fixture(file), for: problem)
        #expect(schedule.opCount >= 2 * problem.stageCount * problem.microbatches)
        let evaluation = try Evaluation(problem, schedule, objective: .stageSpan)
        #expect(evaluation.isValid, "\(evaluation.issues)")
        #expect(evaluation.metrics.stageSpan >= evaluation.metrics.lowerBound)
    }

    @Test func overlappedCellsBecomeOverlappedPairs() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2)
        let schedule = try TorchCSVReader().schedule(try ExportFixtures.fixture("dualpipev_4rank_8mb.csv"), for: problem)
        let row = schedule.orders[0]
        let index = try #require(row.firstIndex(of: .forward(0, 7)))
        #expect(row[index + 1] == .backward(7, 3))
        #expect(schedule.overlapsNext(device: 0, position: index))
        #expect(schedule.overlaps.map(\.count) == [5, 6, 7, 7])
    }

    /// Our `dualpipev` on a problem with hideable time writes exactly the CSV PyTorch 2.13's
    /// `ScheduleDualPipeV` dumps, `OVERLAP_F_B` cells included; it reads back as the same schedule
    /// and metrics, and a PyTorch without `OVERLAP_F_B` is refused.
    @Test func dualPipeVWithOverlapIsPyTorchsCSVCellForCell() throws {
        let problem = try ExportFixtures.overlapping(ExportFixtures.problem(devices: 4, microbatches: 8, placement: .v, chunks: 2))
        let document = try ExportFixtures.document(problem, method: "dualpipev")
        let text = try TorchCSVWriter().write(document, microbatches: 8).text
        // PyTorch's csv.writer ends lines with CRLF; ours with LF.
        #expect(text == (try ExportFixtures.fixture("dualpipev_4rank_8mb.csv")).replacingOccurrences(of: "\r\n", with: "\n"))
        let back = try TorchCSVReader().schedule(text, for: problem)
        #expect(back == Schedule(document.timedTimeline))
        #expect(try Evaluation(problem, back, objective: .stageSpan).metrics == document.metrics)
        do {
            _ = try TorchCSVWriter(version: TorchVersion(major: 2, minor: 8)).write(document, microbatches: 8)
            Issue.record("OVERLAP_F_B was written for PyTorch 2.8")
        } catch {
            #expect(error.rule == .version)
            #expect(error.message.contains("2.9"))
        }
    }

    @Test func aCSVPlacedDifferentlyFromTheProblemIsRefused() throws {
        let problem = ExportFixtures.problem(devices: 4, microbatches: 8, placement: .interleaved, chunks: 2)
        do {
            _ = try TorchCSVReader().schedule(try ExportFixtures.fixture("zbv_4rank_8mb.csv"), for: problem)
            Issue.record("a V CSV was accepted for an interleaved problem")
        } catch let error as TorchScheduleError {
            #expect(error.rule == .placement)
            #expect(error.message.contains("the problem places it on device"))
        }
    }

    @Test func windowsLineEndingsAndATrailingNewlineAreRead() throws {
        let problem = ExportFixtures.problem(devices: 2, microbatches: 2)
        let schedule = try TorchCSVReader().schedule("0F0,0F1,0B0,0B1\r\n1F0,1B0,1F1,1B1\r\n", for: problem)
        #expect(schedule.orders == [[.forward(0, 0), .forward(0, 1), .backward(0, 0), .backward(0, 1)],
                                    [.forward(1, 0), .backward(1, 0), .forward(1, 1), .backward(1, 1)]])
    }
}
