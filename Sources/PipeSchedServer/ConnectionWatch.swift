import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Tells a synchronous solve that its client went away, so it stops instead of computing an answer
/// nobody reads. Each connection's `ConnectionWatch` handler stamps the requests it reads with the
/// connection's number (replacing any such header a client sent) and reports when the connection
/// closes; a solve watches the number of its request.
final class ConnectionRegistry: Sendable {
    /// The header carrying the connection number from the channel handler to the route.
    static let header = HTTPField.Name("x-pipesched-connection")!

    private let watched = Mutex<[UInt64: [ObjectIdentifier: StopSignal]]>([:])
    private let nextNumber = Atomic<UInt64>(0)

    func newConnectionNumber() -> UInt64 { nextNumber.add(1, ordering: .relaxed).newValue }

    /// Sets `signal` when connection `number` closes, until `unwatch`.
    func watch(_ number: UInt64, _ signal: StopSignal) {
        watched.withLock { $0[number, default: [:]][ObjectIdentifier(signal)] = signal }
    }

    func unwatch(_ number: UInt64, _ signal: StopSignal) {
        watched.withLock { table in
            table[number]?[ObjectIdentifier(signal)] = nil
            if table[number]?.isEmpty == true { table[number] = nil }
        }
    }

    /// The client of connection `number` went away.
    func closed(_ number: UInt64) {
        for signal in watched.withLock({ $0.removeValue(forKey: number) ?? [:] }).values { signal.set() }
    }
}

/// The channel handler behind `ConnectionRegistry`, one per connection.
final class ConnectionWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let registry: ConnectionRegistry
    private let number: UInt64

    init(registry: ConnectionRegistry) {
        self.registry = registry
        number = registry.newConnectionNumber()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        if case .head(var head) = part {
            head.headerFields[ConnectionRegistry.header] = String(number)
            part = .head(head)
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    func channelInactive(context: ChannelHandlerContext) {
        registry.closed(number)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed { registry.closed(number) }
        context.fireUserInboundEventTriggered(event)
    }
}
