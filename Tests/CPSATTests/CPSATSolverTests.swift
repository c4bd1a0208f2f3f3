import Testing
@testable import CPSAT

/// Small models on the real OR-Tools library (installed by `make deps`: these tests never skip).
@Suite struct CPSATSolverTests {
    static let parameters = CPParameters(timeLimit: 10, workers: 1)

    @Test func theLibraryIsInstalled() {
        #expect(CPSATSolver.isAvailable, "\(CPSATError.notInstalled)")
    }

    @Test func minimizesALinearObjective() throws {
        var model = CPModel()
        let x = model.addVariable(lower: 0, upper: 10)
        let y = model.addVariable(lower: -4, upper: 4)
        model.addLinear([x: 1, y: 1], lower: 3, upper: 100)
        model.objective = [(x, 2), (y, -1)]
        let response = try CPSATSolver.solve(model, parameters: Self.parameters)
        #expect(response.status == .optimal)
        #expect(response.solution == [0, 4])
        #expect(response.objectiveValue == -4)
        #expect(response.bestObjectiveBound == -4)
    }

    /// Two jobs on one machine (lengths 4 and 3, the second released at 2): the shorter schedule
    /// runs the first at 0 and the second at 4, ending at 7.
    @Test func intervalsDoNotOverlap() throws {
        var model = CPModel()
        let s1 = model.addVariable(lower: 0, upper: 100), s2 = model.addVariable(lower: 2, upper: 100)
        let makespan = model.addVariable(lower: 0, upper: 200)
        let i1 = model.addInterval(start: s1, size: 4)
        let i2 = model.addInterval(start: s2, size: 3)
        model.add(.noOverlap(intervals: [i1, i2]))
        model.addLinear([makespan: 1, s1: -1], lower: 4, upper: 200)
        model.addLinear([makespan: 1, s2: -1], lower: 3, upper: 200)
        model.objective = [(makespan, 1)]
        let response = try CPSATSolver.solve(model, parameters: Self.parameters)
        #expect(response.status == .optimal)
        #expect(response.objectiveValue == 7)
        #expect(response.solution[s1] == 0 && response.solution[s2] == 4)
    }

    /// A reservoir of capacity 1: the second allocation must wait for the release at time 5.
    @Test func reservoirsCapTheLevel() throws {
        var model = CPModel()
        let allocate1 = model.addVariable(lower: 0, upper: 0)
        let release1 = model.addVariable(lower: 5, upper: 5)
        let allocate2 = model.addVariable(lower: 0, upper: 20)
        model.add(.reservoir(times: [.variable(allocate1), .variable(release1), .variable(allocate2)], changes: [1, -1, 1],
                             minLevel: -2, maxLevel: 1))
        model.objective = [(allocate2, 1)]
        let response = try CPSATSolver.solve(model, parameters: Self.parameters)
        #expect(response.status == .optimal)
        #expect(response.solution[allocate2] == 5)
    }

    @Test func infeasibleModelsSayInfeasible() throws {
        var model = CPModel()
        let x = model.addVariable(lower: 0, upper: 3)
        model.addLinear([x: 1], lower: 5, upper: 9)
        let response = try CPSATSolver.solve(model, parameters: Self.parameters)
        #expect(response.status == .infeasible)
        #expect(!response.hasSolution)
    }

    @Test func hintsAreAccepted() throws {
        var model = CPModel()
        let x = model.addVariable(lower: 0, upper: 10)
        model.objective = [(x, -1)]
        model.hint = [(x, 7)]
        #expect(try CPSATSolver.solve(model, parameters: Self.parameters).solution == [10])
    }

    @Test func invalidModelsAreRefusedBeforeTheyAreSent() {
        var model = CPModel()
        let x = model.addVariable(lower: 0, upper: 3)
        model.addLinear([x + 1: 1], lower: 0, upper: 1)
        #expect(throws: CPSATError.self) { try CPSATSolver.solve(model, parameters: Self.parameters) }
        var overlap = CPModel()
        _ = overlap.addVariable(lower: 0, upper: 1)
        overlap.add(.noOverlap(intervals: [0]))
        #expect(throws: CPModel.Invalid.self) { try overlap.validate() }
        var empty = CPModel()
        _ = empty.addVariable(lower: 2, upper: 1)
        #expect(throws: CPModel.Invalid.self) { try empty.validate() }
        var huge = CPModel()
        _ = huge.addVariable(lower: 0, upper: 1 << 52)
        #expect(throws: CPModel.Invalid.self) { try huge.validate() }
        var reservoir = CPModel()
        let t = reservoir.addVariable(lower: 0, upper: 1)
        reservoir.add(.reservoir(times: [.variable(t)], changes: [1], minLevel: 1, maxLevel: 2))
        #expect(throws: CPModel.Invalid.self) { try reservoir.validate() }
    }

    /// A stop request from another thread ends a search that would otherwise run for 60 s; the
    /// response still carries the best solution found.
    @Test func stopRequestsEndTheSearch() throws {
        var model = CPModel()
        // Pigeonhole: 9 intervals of length 1 in 8 slots, infeasible and hard to prove by search alone.
        let starts = (0..<9).map { _ in model.addVariable(lower: 0, upper: 7) }
        let intervals = starts.map { model.addInterval(start: $0, size: 1) }
        model.add(.noOverlap(intervals: intervals))
        let response = try CPSATSolver.solve(model, parameters: CPParameters(timeLimit: 60, workers: 2), shouldStop: { true })
        #expect(response.status == .unknown || response.status == .infeasible)
    }
}
