import Testing
@testable import PipeSched
@testable import PipeSchedExport

/// Cell text <-> action: strict whole-cell parsing and the letters of each PyTorch version.
@Suite struct TorchActionTests {
    let new = TorchVersion.tested
    let old = TorchVersion(major: 2, minor: 5)

    func cell(_ text: String, _ version: TorchVersion = .tested) throws(TorchScheduleError) -> TorchCell? {
        try TorchCell.parse(Substring(text), version: version, where: "rank 0, column 0")
    }

    @Test func ourKindsMapToPyTorchLettersFromTwoSixOn() {
        let letters = TorchVersion(major: 2, minor: 6).letters
        #expect(TorchAction(.forward(2, 5))?.text(letters) == "2F5")
        #expect(TorchAction(.backwardInput(3, 0))?.text(letters) == "3I0")
        #expect(TorchAction(.backwardWeight(1, 7))?.text(letters) == "1W7")
        #expect(TorchAction(.backward(0, 4))?.text(letters) == "0B4")
    }

    @Test func beforeTwoSixTheInputBackwardIsBAndTheFullBackwardIsBW() {
        let letters = old.letters
        #expect(TorchAction(.backwardInput(3, 0))?.text(letters) == "3B0")
        #expect(TorchAction(.backward(0, 4))?.text(letters) == "0BW4")
        #expect(TorchAction(.backwardWeight(1, 7))?.text(letters) == "1W7")
    }

    @Test func parsingReadsTheLettersOfTheGivenVersion() throws {
        #expect(try cell("3I0") == .action(TorchAction(.backwardInput, stage: 3, microbatch: 0)))
        #expect(try cell("0B4") == .action(TorchAction(.fullBackward, stage: 0, microbatch: 4)))
        #expect(try cell("3B0", old) == .action(TorchAction(.backwardInput, stage: 3, microbatch: 0)))
        #expect(try cell("0BW4", old) == .action(TorchAction(.fullBackward, stage: 0, microbatch: 4)))
        #expect(throws: TorchScheduleError.self) { try cell("0BW4") }
        #expect(throws: TorchScheduleError.self) { try cell("3I0", old) }
    }

    @Test func emptyAndPaddedCellsAreAccepted() throws {
        #expect(try cell("") == nil)
        #expect(try cell("   ") == nil)
        #expect(try cell(" 2F3 ") == .action(TorchAction(.forward, stage: 2, microbatch: 3)))
    }

    @Test func parsingIsAWholeCellMatchUnlikePyTorchs() {
        for junk in ["0F0x", "0f0", "F0", "0F", "0FF0", "-1F0", "0F-1", "x0F0"] {
            #expect(throws: TorchScheduleError.self, "\(junk)") { try cell(junk) }
        }
    }

    @Test func communicationCellsAreRefusedAsNotComputeOnly() {
        do {
            _ = try cell("0SEND_F0")
            Issue.record("accepted a communication action")
        } catch {
            #expect(error.rule == .syntax)
            #expect(error.message.contains("SEND_F communication action"))
        }
    }

    @Test func overlappedCellsAreReadAsTheirSubActionsInOrder() throws {
        let parsed = try cell("(0F7;7B3)OVERLAP_F_B")
        #expect(parsed?.actions == [TorchAction(.forward, stage: 0, microbatch: 7), TorchAction(.fullBackward, stage: 7, microbatch: 3)])
        #expect(parsed?.text(.current) == "(0F7;7B3)OVERLAP_F_B")
        #expect(throws: TorchScheduleError.self) { try cell("(0F7;junk)OVERLAP_F_B") }
    }

    @Test func versionsParseWithPatchAndLocalParts() {
        #expect(TorchVersion("2.13.0+cpu") == TorchVersion(major: 2, minor: 13))
        #expect(TorchVersion("2.6") == TorchVersion(major: 2, minor: 6))
        #expect(TorchVersion("2.10") ?? old > TorchVersion(major: 2, minor: 9))
        for bad in ["2", "two.six", "2.6.x", ""] { #expect(TorchVersion(bad) == nil) }
        #expect(TorchVersion(major: 2, minor: 5).letters == .legacy)
        #expect(TorchVersion(major: 2, minor: 6).letters == .current)
        #expect(!TorchVersion(major: 2, minor: 4).readsScheduleCSV)
    }
}
