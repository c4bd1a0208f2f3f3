import Foundation

extension Double {
    /// A short human-readable rendering for messages: integers without a decimal point, others with
    /// up to six significant digits (so floating-point noise such as 97.80000000000005 reads 97.8).
    public var readable: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int(self)) }
        return String(format: "%.6g", self)
    }
}
