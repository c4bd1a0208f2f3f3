/// The links between devices while a schedule runs: each directed pair of devices carries one
/// message at a time, in the order the sending device's passes ran (first in, first out), each
/// occupying it for `Communication.transfer(from:to:scale:)` and arriving `latency` after that.
/// Where links do not contend (`Communication.linksContend`), each message arrives its free-link
/// delay after it is sent.
///
/// The simulator sends each pass's message when the pass ends, in each device's order; the timed
/// validator replays the same sends from a timeline's rows. Both read arrivals here, so a schedule
/// the simulator timed is one the validator accepts.
struct LinkChannels {
    private let communication: Communication
    private let devices: Int
    /// When each directed link (`from · devices + to`) is next free.
    private var free: [Double]

    init(_ problem: Problem) {
        communication = problem.communication
        devices = problem.devices
        free = Array(repeating: 0, count: problem.communication.linksContend ? problem.devices * problem.devices : 0)
    }

    /// Sends the message of a pass of microbatch memory scale `scale` that ended at `end` on device
    /// `from` to device `to`: the time it arrives there.
    mutating func send(from: Int, to: Int, at end: Double, scale: Double) -> Double {
        guard from != to else { return end }
        guard !free.isEmpty else { return end + communication.lag(from: from, to: to, scale: scale) }
        let link = from * devices + to
        let start = max(end, free[link])
        free[link] = start + communication.transfer(from: from, to: to, scale: scale)
        return free[link] + communication.latency(from: from, to: to)
    }
}
