/// A PyTorch release (major.minor), deciding which letters a schedule CSV uses.
///
/// PyTorch's pipelining CSV (`_PipelineScheduleRuntime._load_csv`) appeared around 2.5, where `B` was
/// the backward for the input and `BW` the full backward. From 2.6 the letters are `I` for the input
/// backward and `B` for the full backward; `F` and `W` never changed.
public struct TorchVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `2.13`, `2.13.0` or `2.13.0+cpu`; `nil` for anything else.
    public init?(_ text: String) {
        let release = text.split(separator: "+", maxSplits: 1).first.map(String.init) ?? ""
        let parts = release.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.count <= 3, let major = Int(parts[0]), let minor = Int(parts[1]),
              major >= 0, minor >= 0, parts.count == 2 || Int(parts[2]) != nil else { return nil }
        self.init(major: major, minor: minor)
    }

    /// The version the real-runtime round trip (`scripts/torch-roundtrip`) ran against.
    public static let tested = TorchVersion(major: 2, minor: 13)

    /// The first version with a schedule CSV loader.
    public static let firstWithCSV = TorchVersion(major: 2, minor: 5)

    /// The first version where `I` is the input backward and `B` the full backward.
    public static let firstWithInputLetter = TorchVersion(major: 2, minor: 6)

    /// The first version with the `OVERLAP_F_B` action (pytorch/pytorch#158978, with `ScheduleDualPipeV`).
    public static let firstWithOverlap = TorchVersion(major: 2, minor: 9)

    /// Whether this version's loader reads schedule CSV files at all.
    public var readsScheduleCSV: Bool { self >= Self.firstWithCSV }

    /// The action letters this version reads and writes.
    public var letters: TorchLetters { self >= Self.firstWithInputLetter ? .current : .legacy }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: TorchVersion, rhs: TorchVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}

/// The letters of the four compute actions in one PyTorch version's schedule CSV.
public struct TorchLetters: Sendable, Hashable {
    public var forward: String
    public var backwardInput: String
    public var backwardWeight: String
    public var fullBackward: String

    /// PyTorch 2.6 and later: `F`, `I`, `W`, `B`.
    public static let current = TorchLetters(forward: "F", backwardInput: "I", backwardWeight: "W", fullBackward: "B")
    /// PyTorch 2.5: `F`, `B` (input backward), `W`, `BW` (full backward).
    public static let legacy = TorchLetters(forward: "F", backwardInput: "B", backwardWeight: "W", fullBackward: "BW")

    /// The letter of a compute kind.
    public func letter(_ kind: TorchActionKind) -> String {
        switch kind {
        case .forward: forward
        case .backwardInput: backwardInput
        case .backwardWeight: backwardWeight
        case .fullBackward: fullBackward
        }
    }

    /// The kind a letter stands for in this version, or `nil` when the version has no such letter.
    public func kind(_ letter: Substring) -> TorchActionKind? {
        TorchActionKind.allCases.first { self.letter($0) == letter }
    }
}
