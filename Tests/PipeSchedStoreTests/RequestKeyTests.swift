import Foundation
import PipeSched
import Testing
@testable import PipeSchedStore

/// What the canonical request key depends on, and what it ignores.
@Suite struct RequestKeyTests {
    let problem = StoreFixtures.problem()

    @Test func sameRequestSameKey() {
        let options = SolveOptions(objective: .stageSpan, timeLimit: 2, seed: 7)
        #expect(RequestKey(problem: problem, method: "1f1b", options: options) == RequestKey(problem: problem, method: "1f1b", options: options))
    }

    @Test func fieldOrderWhitespaceAndDefaultsDoNotMatter() throws {
        let compact = #"{"devices":2,"microbatches":4,"stages":[{"forward":1,"backwardInput":1,"backwardWeight":1},{"forward":1,"backwardInput":1,"backwardWeight":1}]}"#
        let spelled = """
        { "stages": [ {"backwardWeight": 1, "backwardInput": 1, "forward": 1, "memory": {"forward": 0, "backwardInput": 0, "backwardWeight": 0}},
                      {"forward": 1.0, "backwardInput": 1, "backwardWeight": 1} ],
          "microbatches": 4, "placement": "sequential", "devices": 2, "name": "problem", "sequenceSlices": 1 }
        """
        let a = try Problem.decode(json: Data(compact.utf8)), b = try Problem.decode(json: Data(spelled.utf8))
        #expect(RequestKey(problem: a, method: "gpipe", options: SolveOptions()) == RequestKey(problem: b, method: "gpipe", options: SolveOptions()))
    }

    @Test func everyInputChangesTheKey() {
        let base = RequestKey(problem: problem, method: "1f1b", options: SolveOptions())
        let variants = [
            RequestKey(problem: StoreFixtures.problem(microbatches: 9), method: "1f1b", options: SolveOptions()),
            RequestKey(problem: StoreFixtures.problem(name: "other"), method: "1f1b", options: SolveOptions()),
            RequestKey(problem: problem, method: "gpipe", options: SolveOptions()),
            RequestKey(problem: problem, method: "1f1b", options: SolveOptions(objective: .makespan)),
            RequestKey(problem: problem, method: "1f1b", options: SolveOptions(timeLimit: 3)),
            RequestKey(problem: problem, method: "1f1b", options: SolveOptions(seed: 2)),
            RequestKey(problem: problem, method: "1f1b", options: SolveOptions(excludedCandidates: ["zb-h1"])),
            RequestKey(problem: problem, method: "1f1b", options: SolveOptions(), version: "0.0.0-other"),
        ]
        #expect(Set(variants).count == variants.count)
        #expect(!variants.contains(base))
    }

    @Test func hooksDoNotChangeTheKey() {
        let plain = RequestKey(problem: problem, method: "local", options: SolveOptions(timeLimit: 1))
        let hooked = RequestKey(problem: problem, method: "local", options: SolveOptions(timeLimit: 1, shouldStop: { true }, onIncumbent: { _ in }))
        #expect(plain == hooked)
    }

    @Test func keyIsSixtyFourHexDigitsAndIdIsItsPrefix() {
        let key = RequestKey(problem: problem, method: "1f1b", options: SolveOptions())
        #expect(key.hex.count == 64)
        #expect(key.hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(key.hex.hasPrefix(key.resultID))
    }
}
