import Foundation
import PipeSched
import PipeSchedServer
import Testing

/// Parsing solve bodies: defaults, the problem decoded exactly as from a file, limits.
@Suite struct SolveRequestTests {
    let limits = ServerLimits()
    let methods = Set(Methods.all.map(\.name))

    func body(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test func defaultsMatchTheCLI() throws {
        let request = try SolveRequest.parse(try body(["problem": Fixtures.problem()]), waitParameter: nil, limits: limits, methods: methods)
        #expect(request.method == "auto")
        #expect(request.objective == .stageSpan)
        #expect(request.timeLimit == nil)
        #expect(request.seed == 1)
        #expect(request.wait == 0)
        #expect(request.problem.devices == 4)
    }

    @Test func everyFieldIsRead() throws {
        let request = try SolveRequest.parse(try body(Fixtures.solve(method: "local", extra: [
            "objective": "makespan", "timeLimit": 2.5, "seed": 42, "wait": 3,
        ])), waitParameter: "7", limits: limits, methods: methods)
        #expect(request.method == "local")
        #expect(request.objective == .makespan)
        #expect(request.timeLimit == 2.5)
        #expect(request.seed == 42)
        #expect(request.wait == 7)
    }

    @Test func problemBytesAreDecodedAsTheCLIDecodesAFile() throws {
        let problemJSON = #"{"devices": 2, "microbatches": 4, "stages": [{"forward": 1, "backwardInput": 1, "backwardWeight": 1}, {"forward": 1, "backwardInput": 1, "backwardWeight": 1, "colour": "red"}]}"#
        let expected: ProblemError
        do {
            _ = try Problem.decode(json: Data(problemJSON.utf8))
            Issue.record("should fail")
            return
        } catch {
            expected = error
        }
        do {
            _ = try SolveRequest.parse(Data(#"{"method": "1f1b", "problem": \#(problemJSON)}"#.utf8), waitParameter: nil, limits: limits, methods: methods)
            Issue.record("should fail")
        } catch {
            #expect(error.code == "invalidProblem")
            #expect(error.field == expected.field)
            #expect(error.field == "stages[1].colour")
            #expect(error.description == expected.description)
        }
    }

    @Test func booleansAreNotNumbers() {
        #expect(throws: APIError.self) {
            try SolveRequest.parse(try body(Fixtures.solve(method: "local", extra: ["timeLimit": true])), waitParameter: nil,
                                   limits: limits, methods: methods)
        }
    }

    @Test func duplicateMembersAreRejected() {
        let text = #"{"method": "1f1b", "method": "gpipe", "problem": {}}"#
        #expect(throws: APIError.self) { try SolveRequest.parse(Data(text.utf8), waitParameter: nil, limits: limits, methods: methods) }
    }

    @Test func stringsWithBracesAndEscapesDoNotConfuseTheScanner() throws {
        var problem = Fixtures.problem()
        problem["name"] = #"odd } name ] with \" quotes {"#
        let request = try SolveRequest.parse(try body(Fixtures.solve(method: "gpipe", problem: problem)), waitParameter: nil,
                                             limits: limits, methods: methods)
        #expect(request.problem.name == #"odd } name ] with \" quotes {"#)
    }
}
