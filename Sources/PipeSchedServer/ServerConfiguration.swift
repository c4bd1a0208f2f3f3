import PipeSched

/// Everything `PipeSchedServer.application` needs besides the store.
public struct ServerConfiguration: Sendable {
    /// Address to bind; loopback by default.
    public var host: String
    /// Port; 0 picks a free one (tests).
    public var port: Int
    public var limits: ServerLimits
    /// The methods offered: the core's by default; `pipesched serve` offers `MethodRegistry.withILP()`'s.
    public var methods: [any SchedulingMethod]
    /// The methods with a request's `solver`, `gap` and `threads`; `nil`: requests may not give them.
    public var exactMethods: ExactMethods?
    /// The `GET /v1/schedules/{id}` formats: JSON and every PipeSchedExport format by default.
    public var renderers: ScheduleRenderers
    /// Owner of this server's jobs in the store; default `JobRecord.processOwner` (this process's
    /// identity). Jobs of dead owners are recognised by their expired lease, whatever their name.
    public var owner: String?
    /// swift-log level of the server's log on standard error: trace, debug, info, notice, warning,
    /// error or critical.
    public var logLevel: String

    public init(host: String = "127.0.0.1", port: Int = 8080, limits: ServerLimits = ServerLimits(),
                methods: [any SchedulingMethod] = Methods.all, renderers: ScheduleRenderers = .standard, owner: String? = nil,
                logLevel: String = "info", exactMethods: ExactMethods? = nil) {
        self.exactMethods = exactMethods
        self.host = host
        self.port = port
        self.limits = limits
        self.methods = methods
        self.renderers = renderers
        self.owner = owner
        self.logLevel = logLevel
    }
}
