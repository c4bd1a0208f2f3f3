import Foundation
import PipeSched
import PipeSchedStore

/// What a solve request came to.
public enum SolveOutcome: Sendable {
    /// A schedule: from the store (`cached`) or just computed.
    case schedule(StoredResult, cached: Bool)
    /// A job that is queued or still running.
    case accepted(JobRecord)
}

/// The work behind the routes, in plain async calls that tests use directly: answer from the store,
/// solve synchronously, or run a job; report, cancel and drain jobs. Solver calls run on their own
/// threads through `JobQueue`'s slots.
public final class SolveService: Sendable {
    public let store: any ResultStore
    public let limits: ServerLimits
    public let metrics: ServerMetrics
    /// The methods offered, in listing order.
    public let methods: [any SchedulingMethod]
    /// Jobs of this server are recorded under this owner (see `JobRecord.owner`).
    public let owner: String
    /// Slots of jobs (searches that answer `202`).
    let queue: JobQueue
    /// Slots of synchronous solves, apart from jobs' so long jobs never hold up quick answers.
    let quickQueue: JobQueue
    /// Open connections, so a synchronous solve stops when its client goes away.
    let connections = ConnectionRegistry()
    private let methodsByName: [String: any SchedulingMethod]
    /// The methods for requests with exact-solver settings.
    public let exactMethods: ExactMethods?
    private let live = LockedState<[String: LiveJob]>([:])
    private let hot: HotResults
    private let memo = RequestMemo()
    /// Moving average of solve seconds, for `Retry-After`.
    private let averageSolveSeconds = LockedState(0.05)

    public init(store: any ResultStore, limits: ServerLimits, methods: [any SchedulingMethod] = Methods.all,
                metrics: ServerMetrics = ServerMetrics(), owner: String = JobRecord.localOwner, exactMethods: ExactMethods? = nil) {
        self.store = store
        self.exactMethods = exactMethods
        self.limits = limits
        self.metrics = metrics
        self.methods = methods
        self.owner = owner
        methodsByName = Dictionary(methods.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        hot = HotResults(capacity: limits.cacheBytes)
        queue = JobQueue(slots: limits.concurrentJobs, capacity: limits.queueLength) { running, waiting in
            metrics.queue(running: running, waiting: waiting)
        }
        quickQueue = JobQueue(slots: limits.concurrentJobs, capacity: limits.queueLength)
    }

    /// Names of the methods offered.
    public var methodNames: Set<String> { Set(methodsByName.keys) }

    /// Marks jobs left unfinished by an earlier run of this server as interrupted, then takes over
    /// the jobs of servers whose lease ran out (they died, whatever address they had): those with a
    /// stored request run again here, the others end as interrupted. Returns how many were ended.
    public func recoverInterruptedJobs() async throws -> Int {
        let own = try await store.interruptUnfinishedJobs(owner: owner)
        let ended = try await store.interruptExpiredJobs(now: Date())
        try await adoptExpiredJobs()
        return own + ended
    }

    /// Claims as many expired jobs of dead servers (or released ones) as this server has free solver
    /// slots for, and runs them from their stored requests. A busy server claims none, so the work
    /// goes to idle servers first.
    func adoptExpiredJobs() async throws {
        let room = min(Self.adoptionBatch, await queue.freeSlots)
        guard room > 0 else { return }
        try await store.interruptExpiredJobs(now: Date())
        let claimed = try await store.claimExpiredJobs(owner: owner, now: Date(), until: Date().addingTimeInterval(limits.leaseSeconds),
                                                       limit: room)
        var unstarted: [String] = []
        for record in claimed {
            // A request may have taken the slot meanwhile: a job that finds no place goes back to the shared queue.
            guard let ticket = try? await queue.enter() else {
                unstarted.append(record.id)
                continue
            }
            metrics.jobTakenOver()
            await resume(record, ticket: ticket)
        }
        try await store.releaseQueuedJobs(ids: unstarted, owner: owner)
    }

    /// Jobs claimed at most per heartbeat, so one server does not take all of a dead one's work.
    static let adoptionBatch = 4

    /// Runs a job taken over from a dead server: its stored request, parsed as this server parses
    /// requests, must give the job's key.
    private func resume(_ record: JobRecord, ticket: JobQueue.Ticket) async {
        let parsed: SolveRequest?
        if let body = record.request,
           let request = try? SolveRequest.parse(body, limits: limits, methods: methodNames, exactMethods: exactMethods, auto: methodsByName["auto"]),
           request.key(cap: limits.maxTimeLimit).hex == record.key {
            parsed = request
        } else {
            parsed = nil
        }
        guard let request = parsed else {
            await queue.withdraw(ticket)
            var failed = record
            failed.status = .failed
            failed.failure = StoredFailure(kind: "notResumable", message: "the server running this job stopped, and this server cannot "
                                           + "run its request (another PipeSched version or other limits); submit the request again")
            failed.progress = 1
            failed.finishedAt = Date()
            try? await store.save(failed)
            metrics.jobFinished(status: failed.status.rawValue)
            return
        }
        let job = LiveJob(id: record.id, record: record, problem: request.problem, key: request.key(cap: limits.maxTimeLimit),
                          options: request.options(cap: limits.maxTimeLimit)) { [queue] in
            Task { await queue.withdraw(ticket) }
        }
        live.withLock { $0[record.id] = job }
        Task { await self.run(job, ticket: ticket, method: request.method, exact: request.exact, headroom: request.headroom) }
    }

    /// The owner's heartbeat, until cancelled: renews the leases of this server's jobs and stops
    /// those whose cancellation another server recorded (a `DELETE` sent to it).
    public func heartbeat() async {
        while !Task.isCancelled {
            await beat()
            try? await Task.sleep(for: .seconds(limits.leaseSeconds / 3))
        }
    }

    /// One heartbeat.
    func beat() async {
        guard let cancelled = try? await store.renewLeases(owner: owner, until: Date().addingTimeInterval(limits.leaseSeconds)) else { return }
        for id in cancelled { live.withLock { $0[id] }?.requestStop() }
        try? await adoptExpiredJobs()
    }

    /// Why the store does not answer now, or `nil` when it does; a store that takes longer than
    /// `timeout` seconds counts as unreachable (a health check must answer while the database hangs).
    public func storeProblem(timeout: Double = 2) async -> String? {
        do {
            return try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask { [store] in
                    try await store.ping()
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return "no answer within \(timeout.readable) s"
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch {
            return "\(error)"
        }
    }

    /// Answers a `POST /v1/solve` body (with its `?wait=` value): parses it, or finds it parsed
    /// before, then solves it as `solve(_:)` does.
    public func solve(body: Data, waitParameter: String?, connection: UInt64? = nil) async throws -> SolveOutcome {
        var (request, key) = try memo.parsed(body) { body throws(APIError) in
            let request = try SolveRequest.parse(body, limits: limits, methods: methodNames, exactMethods: exactMethods, auto: methodsByName["auto"])
            return (request, request.key(cap: limits.maxTimeLimit))
        }
        try request.applyWait(parameter: waitParameter, limits: limits)
        return try await solve(request, key: key, connection: connection)
    }

    /// Answers a solve request: from the store, by solving now, or with a job. Throws `APIError`
    /// for a full queue, a shutdown, or a method that finds no schedule.
    public func solve(_ request: SolveRequest) async throws -> SolveOutcome {
        try await solve(request, key: request.key(cap: limits.maxTimeLimit))
    }

    private func solve(_ request: SolveRequest, key: RequestKey, connection: UInt64? = nil) async throws -> SolveOutcome {
        let options = request.options(cap: limits.maxTimeLimit)
        if let stored = try await storedResult(forKey: key) {
            metrics.storeHit()
            return try answer(stored, cached: true)
        }
        metrics.storeMiss()
        guard SolveMode.of(method: request.method, timeLimit: options.timeLimit) == .async else {
            let ticket = try await enterQueue(quickQueue)
            let slot: JobQueue.Slot
            do { slot = try await quickQueue.wait(for: ticket) } catch { throw APIError.shuttingDown }
            // Stops at the synchronous time limit, or as soon as the client goes away (its connection
            // closes, or the request's task is cancelled).
            let stop = StopSignal(deadline: Date().addingTimeInterval(limits.syncTimeLimit))
            if let connection { connections.watch(connection, stop) }
            defer { if let connection { connections.unwatch(connection, stop) } }
            var bounded = options
            bounded.shouldStop = { stop.isSet }
            let computation = await withTaskCancellationHandler {
                await compute(request.method, request.problem, bounded, exact: request.exact, headroom: request.headroom)
            } onCancel: {
                stop.set()
            }
            await slot.release()
            let stored = try await record(computation, problem: request.problem, method: request.method, objective: options.objective,
                                          key: key, partial: false)
            return try answer(stored, cached: false)
        }
        // An identical request joins the job already working on it, here or on another server.
        let job: LiveJob
        if let running = live.withLock({ $0.values.first { $0.key == key && !$0.stopRequested } }) {
            job = running
        } else if let elsewhere = try await store.unfinishedJob(key: key.hex, now: Date()) {
            return .accepted(elsewhere)
        } else {
            switch try await submit(request, options: options, key: key) {
            case .here(let submitted): job = submitted
            case .elsewhere(let record): return .accepted(record)
            }
        }
        guard request.wait > 0 else { return .accepted(job.snapshot) }
        let record = await waitUntilFinished(job, seconds: request.wait)
        if record.status == .succeeded, let id = record.resultID, let stored = try await store.result(id: id) {
            return .schedule(stored, cached: false)
        }
        if record.status == .failed, let failure = record.failure, failure.kind != "internal" {
            throw APIError.noSchedule(failure)
        }
        return .accepted(record)
    }

    /// A job by id: live from memory, else from the store.
    public func job(id: String) async throws -> JobRecord? {
        if let job = live.withLock({ $0[id] }) { return job.snapshot }
        return try await store.job(id: id)
    }

    /// Stops a job (its best schedule so far is kept) and returns its record once it has stopped,
    /// or after `patience` seconds if it has not yet; a finished job is returned unchanged.
    public func cancel(id: String, patience: Double = 5) async throws -> JobRecord? {
        guard let job = live.withLock({ $0[id] }) else {
            // Another server's job: record the request, which its owner sees at its next heartbeat.
            guard var record = try await store.job(id: id) else { return nil }
            guard !record.status.isFinished else { return record }
            try await store.requestCancel(id: id)
            let deadline = Date().addingTimeInterval(patience)
            while !record.status.isFinished, Date() < deadline {
                try? await Task.sleep(for: .milliseconds(50))
                record = try await store.job(id: id) ?? record
            }
            return record
        }
        job.requestStop()
        return await waitUntilFinished(job, seconds: patience)
    }

    /// A stored result by id.
    public func result(id: String) async throws -> StoredResult? {
        if let held = hot.result(id: id) { return held }
        let stored = try await store.result(id: id)
        if let stored { hot.insert(stored) }
        return stored
    }

    /// The complete result for a key: from memory, else from the store (then held in memory).
    private func storedResult(forKey key: RequestKey) async throws -> StoredResult? {
        if let held = hot.result(forKey: key) { return held }
        let stored = try await store.result(forKey: key)
        if let stored { hot.insert(stored) }
        return stored
    }

    /// Stops taking work and drains: waiting jobs end as interrupted at once, running ones get
    /// `grace` seconds to finish, then are stopped keeping their best schedule so far.
    public func shutdown(grace: Double) async {
        await queue.close()
        await quickQueue.close()
        let deadline = Date().addingTimeInterval(grace)
        while !live.withLock({ $0.isEmpty }), Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        for job in live.withLock({ Array($0.values) }) { job.requestStop(shutdown: true) }
        let hardStop = Date().addingTimeInterval(max(5, grace))
        while !live.withLock({ $0.isEmpty }), Date() < hardStop { try? await Task.sleep(for: .milliseconds(20)) }
        _ = try? await store.interruptUnfinishedJobs(owner: owner)
    }

    /// Retry-After seconds for a full queue: the expected wait for the line ahead to clear.
    var retryAfterSeconds: Int {
        let average = averageSolveSeconds.withLock { $0 }
        let line = Double(limits.queueLength + limits.concurrentJobs) / Double(limits.concurrentJobs)
        return min(60, max(1, Int((average * line).rounded(.up))))
    }

    // MARK: - Steps

    private func enterQueue(_ queue: JobQueue? = nil) async throws -> JobQueue.Ticket {
        do {
            return try await (queue ?? self.queue).enter()
        } catch .full(let waiting) {
            throw APIError.queueFull(retryAfter: retryAfterSeconds, waiting: waiting)
        } catch {
            throw APIError.shuttingDown
        }
    }

    /// Creates the job, takes its place in the queue (or refuses it) and starts its task.
    private func submit(_ request: SolveRequest, options: SolveOptions, key: RequestKey) async throws -> Submission {
        let ticket = try await enterQueue()
        let id = StoredResult.newID()
        let record = JobRecord(id: id, key: key.hex, owner: owner, method: request.method, objective: options.objective,
                               timeLimit: options.timeLimit, leaseUntil: Date().addingTimeInterval(limits.leaseSeconds),
                               request: try? request.storedBody(cap: limits.maxTimeLimit))
        let job = LiveJob(id: id, record: record, problem: request.problem, key: key, options: options) { [queue] in
            Task { await queue.withdraw(ticket) }
        }
        live.withLock { $0[id] = job }
        let started: JobRecord
        do {
            started = try await store.startJob(record)
        } catch {
            live.withLock { $0[id] = nil }
            await queue.withdraw(ticket)
            throw error
        }
        guard started.id == id else {
            // Another server started the same request a moment ago: join its job.
            live.withLock { $0[id] = nil }
            await queue.withdraw(ticket)
            return .elsewhere(started)
        }
        Task { await self.run(job, ticket: ticket, method: request.method, exact: request.exact, headroom: request.headroom) }
        return .here(job)
    }

    /// Where a submitted job runs.
    private enum Submission {
        case here(LiveJob)
        case elsewhere(JobRecord)
    }

    /// A job's life: wait for a slot, solve, store the result, record the outcome.
    private func run(_ job: LiveJob, ticket: JobQueue.Ticket, method: String, exact: ExactSolverSettings?, headroom: MemoryHeadroom?) async {
        let slot: JobQueue.Slot
        do {
            slot = try await queue.wait(for: ticket)
        } catch {
            // Withdrawn on request (cancelled), or refused by the shutdown: then it goes back to the
            // shared queue for another server, or this one after a restart (interrupted if it cannot).
            let cancelled = job.stopRequested && !job.stoppedByShutdown
            if !cancelled, job.snapshot.request != nil,
               (try? await store.releaseQueuedJobs(ids: [job.id], owner: owner)) == 1 {
                live.withLock { $0[job.id] = nil }
                return
            }
            await finish(job) { record in
                record.status = cancelled ? .cancelled : .failed
                record.failure = cancelled ? nil : .interrupted
            }
            return
        }
        let running = job.update { record in
            record.status = .running
            record.startedAt = Date()
        }
        try? await store.save(running)
        let computation = await compute(method, job.problem, job.solverOptions, exact: exact, headroom: headroom)
        await slot.release()
        let stopped = job.stopRequested
        let outcome: Result<StoredResult, APIError>
        do {
            outcome = .success(try await record(computation, problem: job.problem, method: method, objective: job.options.objective,
                                                key: job.key, partial: stopped))
        } catch let error as APIError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(APIError(.internalServerError, code: "internal", message: "the store failed: \(error)"))
        }
        await finish(job) { record in
            switch outcome {
            case .success(let stored):
                record.status = stopped ? .cancelled : .succeeded
                record.resultID = stored.id
                if let value = stored.metrics?.value(of: record.objective) {
                    record.bestObjective = value
                    record.gap = stored.metrics?.gap
                }
            case .failure(let error):
                record.status = stopped ? .cancelled : .failed
                record.failure = StoredFailure(kind: error.code, message: error.message)
            }
            if stopped, job.stoppedByShutdown {
                record.failure = StoredFailure(kind: "shutdown", message: "stopped when the server shut down; the best schedule found by then is kept")
            }
        }
    }

    /// Final update: persist, count, forget.
    private func finish(_ job: LiveJob, _ change: (inout JobRecord) -> Void) async {
        let record = job.update { record in
            change(&record)
            record.progress = 1
            record.finishedAt = Date()
        }
        try? await store.save(record)
        metrics.jobFinished(status: record.status.rawValue)
        live.withLock { $0[job.id] = nil }
    }

    /// Runs the method (configured with `exact` when given) on a solver thread, under caps lowered
    /// by `headroom` when given and measured against `problem`'s; the schedule is validated before
    /// it is returned.
    private func compute(_ method: String, _ problem: Problem, _ options: SolveOptions, exact: ExactSolverSettings? = nil,
                         headroom: MemoryHeadroom? = nil) async -> Computation {
        let configured = exact.flatMap { settings in exactMethods?.methods(settings).first { $0.name == method } }
        guard let chosen = configured ?? methodsByName[method] else { return Computation(outcome: .failure(.unknownMethod(method)), seconds: 0) }
        let computation = await SolverThread.run { () -> Computation in
            let began = Date()
            let outcome: Result<Solution, SolveError>
            do throws(SolveError) {
                // The request's parse checked that the lowered caps hold one microbatch.
                let searched = (try? headroom?.apply(to: problem)) ?? problem
                let output = try chosen.run(searched, options: options)
                var solution = try Solution(searched, method: method, objective: options.objective, output: output)
                if let headroom { solution = try solution.remeasured(on: problem, headroom: headroom) }
                outcome = .success(solution)
            } catch {
                outcome = .failure(error)
            }
            return Computation(outcome: outcome, seconds: Date().timeIntervalSince(began))
        }
        metrics.solved(method: method, seconds: computation.seconds)
        averageSolveSeconds.withLock { $0 = 0.8 * $0 + 0.2 * computation.seconds }
        return computation
    }

    /// Stores a computation: complete results and repeatable failures under the key, partial ones
    /// (stopped jobs) under a new id. Throws `APIError` for failures.
    private func record(_ computation: Computation, problem: Problem, method: String, objective: Objective, key: RequestKey,
                        partial: Bool) async throws -> StoredResult {
        switch computation.outcome {
        case .success(let solution):
            let stored = try StoredResult(solution: solution, problem: problem, key: partial ? nil : key, solveSeconds: computation.seconds)
            try await store.save(stored)
            hot.insert(stored)
            return stored
        case .failure(let error):
            guard let failure = StoredFailure(error) else {
                throw APIError(.internalServerError, code: "internal", message: error.description)
            }
            if !partial && failure.isRepeatable {
                let stored = StoredResult(failure: failure, problem: problem, method: method, objective: objective,
                                          key: key, solveSeconds: computation.seconds)
                try await store.save(stored)
                hot.insert(stored)
            }
            throw APIError.noSchedule(failure)
        }
    }

    private func answer(_ stored: StoredResult, cached: Bool) throws -> SolveOutcome {
        if case .failure(let failure) = stored.outcome { throw APIError.noSchedule(failure) }
        return .schedule(stored, cached: cached)
    }

    private func waitUntilFinished(_ job: LiveJob, seconds: Double) async -> JobRecord {
        let deadline = Date().addingTimeInterval(seconds)
        var record = job.snapshot
        while !record.status.isFinished, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
            record = job.snapshot
        }
        return record
    }
}

/// A solver run: its schedule or error, and how long it took.
struct Computation: Sendable {
    var outcome: Result<Solution, SolveError>
    var seconds: Double
}

/// A stop flag that is set by hand (the client went away) or by passing its deadline.
final class StopSignal: Sendable {
    private let deadline: Date
    private let flag = LockedState(false)

    init(deadline: Date) { self.deadline = deadline }

    var isSet: Bool { flag.withLock { $0 } || Date() >= deadline }

    func set() { flag.withLock { $0 = true } }
}
