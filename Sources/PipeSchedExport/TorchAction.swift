import PipeSched

/// The compute kind of a PyTorch pipelining action (`_ComputationType` F, I, W and B in 2.6+).
public enum TorchActionKind: Sendable, Hashable, CaseIterable {
    case forward, backwardInput, backwardWeight, fullBackward

    /// Our pass kind for this action: F → F, I → B, W → W, full B → BW.
    public var opKind: OpKind {
        switch self {
        case .forward: .forward
        case .backwardInput: .backwardInput
        case .backwardWeight: .backwardWeight
        case .fullBackward: .backward
        }
    }

    /// The action kind of one of our passes; `nil` for a recomputation `R`, an offload `O` or a
    /// reload `L`, which PyTorch's schedule has no action for.
    public init?(_ kind: OpKind) {
        switch kind {
        case .forward: self = .forward
        case .backwardInput: self = .backwardInput
        case .backwardWeight: self = .backwardWeight
        case .backward: self = .fullBackward
        case .recompute, .offload, .reload: return nil
        }
    }
}

/// One compute action of a PyTorch schedule: a kind on a global stage index for one microbatch,
/// written `<stage><letter><microbatch>`, e.g. `3I0`.
public struct TorchAction: Sendable, Hashable, CustomStringConvertible {
    public var kind: TorchActionKind
    public var stage: Int
    public var microbatch: Int

    public init(_ kind: TorchActionKind, stage: Int, microbatch: Int) {
        self.kind = kind
        self.stage = stage
        self.microbatch = microbatch
    }

    /// The action of one of our passes (its slice must be 0; PyTorch has no slices).
    public init?(_ op: Op) {
        guard let kind = TorchActionKind(op.kind) else { return nil }
        self.init(kind, stage: op.stage, microbatch: op.microbatch)
    }

    /// Our pass for this action.
    public var op: Op { Op(kind.opKind, stage: stage, microbatch: microbatch) }

    /// The cell text with a version's letters.
    public func text(_ letters: TorchLetters) -> String { "\(stage)\(letters.letter(kind))\(microbatch)" }

    /// The cell text with the current (2.6+) letters.
    public var description: String { text(.current) }

    /// Parses one action, the whole text and nothing else (PyTorch's own parser ignores trailing junk).
    public static func parse(_ text: Substring, letters: TorchLetters) -> TorchAction? {
        let digits: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        guard let letterStart = text.firstIndex(where: { !digits($0) }), letterStart > text.startIndex else { return nil }
        let numberStart = text[letterStart...].firstIndex(where: digits) ?? text.endIndex
        let tail = text[numberStart...]
        guard !tail.isEmpty, tail.allSatisfy(digits),
              let stage = Int(text[..<letterStart]), let microbatch = Int(tail),
              let kind = letters.kind(text[letterStart..<numberStart]) else { return nil }
        return TorchAction(kind, stage: stage, microbatch: microbatch)
    }
}

/// What one CSV cell holds: a single compute action, or several run back to back in one
/// `(a;b)OVERLAP_F_B` cell (DualPipeV); PyTorch runs the sub-actions in order.
public enum TorchCell: Sendable, Hashable, CustomStringConvertible {
    case action(TorchAction)
    case overlapped([TorchAction])

    /// The compute actions of the cell, in the order they run.
    public var actions: [TorchAction] {
        switch self {
        case .action(let action): [action]
        case .overlapped(let actions): actions
        }
    }

    /// The cell text with a version's letters.
    public func text(_ letters: TorchLetters) -> String {
        switch self {
        case .action(let action): action.text(letters)
        case .overlapped(let actions): "(" + actions.map { $0.text(letters) }.joined(separator: ";") + ")" + Self.overlapSuffix
        }
    }

    public var description: String { text(.current) }

    static let overlapSuffix = "OVERLAP_F_B"
    static let communicationNames = ["SEND_F", "RECV_F", "SEND_B", "RECV_B", "WAIT_SEND_F", "WAIT_SEND_B",
                                     "UNSHARD", "RESHARD", "REDUCE_GRAD", "WAIT_REDUCE_GRAD"]

    /// Parses a cell after trimming white space: `nil` for an empty cell (idle), else the action(s).
    /// `where` names the cell in error messages, e.g. "rank 1, column 4".
    public static func parse(_ raw: Substring, version: TorchVersion, where place: String) throws(TorchScheduleError) -> TorchCell? {
        let text = raw.trimmed(" \t\r")
        guard !text.isEmpty else { return nil }
        let letters = version.letters
        if text.hasPrefix("("), text.hasSuffix(")" + overlapSuffix) {
            let inner = text.dropFirst().dropLast(overlapSuffix.count + 1)
            var actions: [TorchAction] = []
            for part in inner.split(separator: ";", omittingEmptySubsequences: false) {
                let trimmed = Substring(part.trimmed(" \t"))
                guard let action = TorchAction.parse(trimmed, letters: letters) else {
                    throw TorchScheduleError(.syntax, "\(place): \"\(part)\" inside \"\(text)\" is not a compute action \(Self.expected(version))")
                }
                actions.append(action)
            }
            return .overlapped(actions)
        }
        if let action = TorchAction.parse(Substring(text), letters: letters) { return .action(action) }
        let body = text.drop { $0.isNumber }
        if let name = communicationNames.first(where: { body.hasPrefix($0) }) {
            throw TorchScheduleError(.syntax, "\(place): \"\(text)\" is a \(name) communication action; give a compute-only schedule (PyTorch adds the communication itself)")
        }
        throw TorchScheduleError(.syntax, "\(place): \"\(text)\" is not a compute action \(Self.expected(version))")
    }

    private static func expected(_ version: TorchVersion) -> String {
        let l = version.letters
        return "of PyTorch \(version): write <stage><letter><microbatch> with \(l.forward) (forward), \(l.backwardInput) (input backward), \(l.backwardWeight) (weight backward) or \(l.fullBackward) (full backward), e.g. 2\(l.forward)0"
    }
}

extension StringProtocol {
    func trimmed(_ set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
