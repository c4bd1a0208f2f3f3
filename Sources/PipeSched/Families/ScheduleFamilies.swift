/// The registry of schedule families, in the order `pipesched methods` lists them.
public enum ScheduleFamilies {
    public static let all: [any ScheduleFamily] = [
        GPipe(), OneFOneB(), Interleaved1F1B(), InterleavedZeroBubble(), LoopedBFS(), ZBH1(), ZBH2(), ZBV(), DualPipeV(), DualPipe(), Chimera(), BitPipe(), VHalf(), VMin(), Seq1F1B(),
    ]

    /// The family with this method name.
    public static func named(_ name: String) -> (any ScheduleFamily)? {
        all.first { $0.name == name }
    }
}
