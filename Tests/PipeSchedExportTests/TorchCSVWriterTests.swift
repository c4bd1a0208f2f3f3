import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// Writing PyTorch CSVs: every family's schedule passes PyTorch's rules; refusals say why.
@Suite struct TorchCSVWriterTests {
    /// Every family of one pipeline; `dualpipe`'s two are refused (`PipelinesExportTests`).
    @Test func everyFamilysScheduleExportsToAFileOurPyTorchRulesAccept() throws {
        var exported = Set<String>()
        for problem in ExportFixtures.placements {
            for family in ScheduleFamilies.all {
                guard let document = try? ExportFixtures.document(problem, method: family.name) else { continue }
                let output = try TorchCSVWriter().write(document, microbatches: problem.microbatches)
                let reread = try TorchCSVReader().parse(output.text)
                let placement = try TorchRules.check(reread, ranks: problem.devices, stages: problem.stageCount,
                                                     microbatches: problem.microbatches)
                #expect(placement == problem.stageDevice)
                #expect(output.placement != nil, "\(family.name) on \(problem.placement)")
                #expect(reread.rows.map(\.count) == document.timeline.map(\.count))
                exported.insert(family.name)
            }
        }
        #expect(exported == Set(ScheduleFamilies.all.filter { $0.pipelines == 1 }.map(\.name)))
    }

    @Test func aSmall1F1BIsWrittenExactly() throws {
        let document = try ExportFixtures.document(ExportFixtures.problem(devices: 2, microbatches: 2), method: "1f1b")
        #expect(try TorchCSVWriter().write(document).text == "0F0,0F1,0B0,0B1\n1F0,1B0,1F1,1B1\n")
        #expect(try TorchCSVWriter(version: TorchVersion(major: 2, minor: 5)).write(document).text == "0F0,0F1,0BW0,0BW1\n1F0,1BW0,1F1,1BW1\n")
    }

    @Test func zeroBubbleUsesILettersFromTwoSixAndBBefore() throws {
        let document = try ExportFixtures.document(ExportFixtures.problem(devices: 2, microbatches: 2), method: "zb-h1")
        let current = try TorchCSVWriter(version: TorchVersion(major: 2, minor: 6)).write(document).text
        let legacy = try TorchCSVWriter(version: TorchVersion(major: 2, minor: 5)).write(document).text
        #expect(current.contains("1I0") && current.contains("1W0") && !current.contains("1B0"))
        #expect(legacy.contains("1B0") && legacy.contains("1W0") && !legacy.contains("I"))
    }

    @Test func sequenceSlicesAreRefusedBecausePyTorchHasNoSliceActions() {
        let orders = [[Op.forward(0, 0, slice: 0), .forward(0, 0, slice: 1), .backward(0, 0, slice: 1), .backward(0, 0, slice: 0)]]
        do {
            _ = try TorchCSVWriter().write(Schedule(orders: orders), placement: [0], microbatches: 1)
            Issue.record("slices were written")
        } catch {
            #expect(error.rule == .slices)
            #expect(error.message.contains("PyTorch has no slice actions"))
        }
    }

    @Test func recomputationPassesAreRefusedNamingTheAction() {
        let orders = [[Op.forward(0, 0), Op(.recompute, stage: 0, microbatch: 0), .backward(0, 0)]]
        do {
            _ = try TorchCSVWriter().write(Schedule(orders: orders), placement: [0], microbatches: 1)
            Issue.record("a recomputation was written")
        } catch {
            #expect(error.rule == .memoryActions)
            #expect(error.message.contains("no recomputation action (R)"))
        }
    }

    @Test func aPlacementTorchtitanCannotBuildIsRefusedUnlessAllowed() throws {
        let problem = try Problem(name: "custom", microbatches: 4, devices: 2, placement: .explicit([0, 0, 1, 1]),
                                  stages: ExportFixtures.problem(devices: 4, microbatches: 4).stages)
        let document = try ExportFixtures.document(problem, method: "bfs")
        do {
            _ = try TorchCSVWriter().write(document)
            Issue.record("a custom placement was written")
        } catch {
            #expect(error.rule == .placement)
            #expect(error.message.contains("neither PyTorch's \"loop\""))
            #expect(error.message.contains("--allow-custom-placement"))
        }
        let allowed = try TorchCSVWriter(allowCustomPlacement: true).write(document)
        #expect(allowed.placement == nil)
        #expect(allowed.stageRanks == [0, 0, 1, 1])
    }

    @Test func explicitListsEqualToLoopOrVAreNamedSo() {
        #expect(TorchPlacement.matching([0, 1, 2, 3, 0, 1, 2, 3], ranks: 4) == .loop)
        #expect(TorchPlacement.matching([0, 1, 2, 3, 3, 2, 1, 0], ranks: 4) == .v)
        #expect(TorchPlacement.matching([0, 1, 2, 3], ranks: 4) == .loop)
        #expect(TorchPlacement.matching([0, 0, 1, 1], ranks: 2) == nil)
        #expect(TorchPlacement.matching([0, 1, 0], ranks: 2) == nil)
    }

    @Test func versionsWithoutACSVLoaderAreRefused() throws {
        let document = try ExportFixtures.document(ExportFixtures.problem(devices: 2, microbatches: 2), method: "1f1b")
        #expect(throws: TorchScheduleError(.version, "PyTorch 2.4 has no schedule CSV loader; it appeared in 2.5")) {
            try TorchCSVWriter(version: TorchVersion(major: 2, minor: 4)).write(document)
        }
    }

    @Test func aPassOnAnotherDeviceThanItsStageIsRefused() {
        let orders = [[Op.forward(0, 0), .forward(1, 0), .backward(1, 0), .backward(0, 0)], []]
        #expect(throws: TorchScheduleError.self) {
            try TorchCSVWriter().write(Schedule(orders: orders), placement: [0, 1], microbatches: 1)
        }
    }
}
