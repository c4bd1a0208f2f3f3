import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// Hand-made bad CSVs are rejected with the rule PyTorch's loader or lowering would fail on.
@Suite struct TorchRulesTests {
    /// Checks a CSV for 2 ranks, 2 stages and 2 microbatches unless told otherwise.
    func check(_ text: String, ranks: Int = 2, stages: Int = 2, microbatches: Int = 2) throws -> [Int] {
        let schedule = try TorchCSVReader().parse(text)
        return try TorchRules.check(schedule, ranks: ranks, stages: stages, microbatches: microbatches)
    }

    func rejection(_ text: String, ranks: Int = 2, stages: Int = 2, microbatches: Int = 2) -> TorchScheduleError? {
        do {
            _ = try check(text, ranks: ranks, stages: stages, microbatches: microbatches)
            return nil
        } catch let error as TorchScheduleError {
            return error
        } catch {
            return nil
        }
    }

    let good = """
    0F0,0F1,0I0,0W0,0I1,0W1
    ,1F0,1I0,1F1,1I1,1W0,1W1

    """

    @Test func aValidFileIsAcceptedAndItsPlacementInferred() throws {
        #expect(try check(good) == [0, 1])
        #expect(try check("0F0,0F1,3F0,3I0,3W0,3F1,3I1,3W1,0B0,0B1\n1F0,2F0,1F1,2F1,2B0,1B0,2B1,1B1\n", stages: 4) == [0, 1, 1, 0])
    }

    @Test func weightBackwardBeforeItsInputBackwardIsRejected() {
        let error = rejection("0F0,0F1,0W0,0I0,0I1,0W1\n1F0,1I0,1F1,1I1,1W0,1W1\n")
        #expect(error?.rule == .order)
        #expect(error?.message.contains("0W0 runs before its input backward 0I0") == true)
    }

    @Test func backwardBeforeItsForwardIsRejected() {
        let error = rejection("0F0,0I1,0F1,0I0,0W0,0W1\n1F0,1I0,1F1,1I1,1W0,1W1\n")
        #expect(error?.rule == .order)
        #expect(error?.message.contains("0I1 runs before its forward 0F1") == true)
    }

    @Test func wrongForwardCountIsRejectedNamingTheMissingMicrobatch() {
        let error = rejection("0F0,0I0,0W0\n1F0,1I0,1F1,1I1,1W0,1W1\n")
        #expect(error?.rule == .count)
        #expect(error?.message.contains("stage 0 has 1 forwards (F), expected 2") == true)
        #expect(error?.message.contains("missing microbatches 1") == true)
    }

    @Test func unequalInputAndWeightBackwardsAreRejected() {
        let error = rejection("0F0,0F1,0I0,0W0,0I1\n1F0,1I0,1F1,1I1,1W0,1W1\n")
        #expect(error?.rule == .count)
        #expect(error?.message.contains("2 input backwards (I) but 1 weight backwards (W)") == true)
    }

    @Test func aMissingBackwardIsRejected() {
        let error = rejection("0F0,0F1,0B0\n1F0,1B0,1F1,1B1\n")
        #expect(error?.rule == .count)
        #expect(error?.message.contains("microbatches 1 have none") == true)
    }

    @Test func aRepeatedCellIsRejectedThoughPyTorchWouldLoadIt() {
        let error = rejection("0F0,0F1,0B0,0B1\n1F0,1B0,1F1,1F1,1B1\n")
        #expect(error?.rule == .count)
        #expect(error?.message.contains("1F1 appears a second time") == true)
    }

    @Test func aCrossRankCycleIsRejectedAsPyTorchsMalformedSchedule() {
        // Rank 1 wants 1F1 first, but rank 0 sends microbatch 1 only after it has 0I0, which needs 1I0.
        let error = rejection("0F0,0I0,0F1,0I1,0W0,0W1\n1F1,1F0,1I0,1I1,1W0,1W1\n")
        #expect(error?.rule == .cycle)
        #expect(error?.message.contains("Malformed compute schedule") == true)
        #expect(error?.message.contains("rank 0 at 0I0") == true)
        #expect(error?.message.contains("rank 1 at 1F1") == true)
    }

    @Test func aStageOnTwoRanksIsRejected() {
        let error = rejection("0F0,0F1,1F0,0B0,0B1\n1F0,1B0,1F1,1B1\n")
        #expect(error?.rule == .placement)
        #expect(error?.message.contains("rank 1, position 0: stage 1 runs on rank 0 and on rank 1") == true)
    }

    @Test func theRowCountMustEqualTheRankCount() {
        let error = rejection("0F0,0F1,0B0,0B1\n", ranks: 2)
        #expect(error?.rule == .ranks)
        #expect(error?.message.contains("1 rows") == true)
        let blank = rejection("0F0,0F1,0B0,0B1,1F0,1F1,1B0,1B1\n\n")
        #expect(blank?.rule == .ranks)
        #expect(blank?.message.contains("rank 1 has no actions") == true)
    }

    @Test func stagesAndMicrobatchesOutOfRangeAreRejected() {
        #expect(rejection("0F0,0F1,0B0,0B1\n1F0,1F1,1B0,1B1,2F0\n")?.message.contains("names stage 2, but there are 2 stages") == true)
        #expect(rejection("0F0,0F1,0F2,0B0,0B1\n1F0,1F1,1B0,1B1\n")?.message.contains("names microbatch 2, but there are 2 microbatches") == true)
    }

    @Test func mixingAFullAndASplitBackwardOfOneMicrobatchIsRejected() {
        let error = rejection("0F0,0F1,0B0,0I0,0W0,0B1\n1F0,1B0,1F1,1B1\n")
        #expect(error?.rule == .count)
        #expect(error?.message.contains("both a full backward 0B0 and a split 0I0/0W0") == true)
    }

    @Test func pytorchsOwnDumpsPassOurChecks() throws {
        #expect(try check(ExportFixtures.fixture("izb_4rank_8mb.csv"), ranks: 4, stages: 8, microbatches: 8) == TorchPlacement.loop.ranks(stages: 8, ranks: 4))
        #expect(try check(ExportFixtures.fixture("zbv_4rank_8mb.csv"), ranks: 4, stages: 8, microbatches: 8) == TorchPlacement.v.ranks(stages: 8, ranks: 4))
        #expect(try check(ExportFixtures.fixture("dualpipev_4rank_8mb.csv"), ranks: 4, stages: 8, microbatches: 8) == TorchPlacement.v.ranks(stages: 8, ranks: 4))
    }
}
