/// Reads Protocol Buffers wire format field by field (the counterpart of `ProtoWriter`). Unknown
/// fields are skipped; malformed input throws instead of trapping.
struct ProtoReader {
    private let bytes: [UInt8]
    private var position: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        position = 0
        end = bytes.count
    }

    private init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    /// One field: its number and its value.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ProtoReader)

        var int64: Int64? {
            if case .varint(let raw) = self { return Int64(bitPattern: raw) }
            return nil
        }

        var double: Double? {
            if case .fixed64(let raw) = self { return Double(bitPattern: raw) }
            return nil
        }

        /// The values of a repeated integer field: packed (length-delimited) or a single varint.
        var int64s: [Int64]? {
            switch self {
            case .varint(let raw): return [Int64(bitPattern: raw)]
            case .bytes(var reader):
                var values: [Int64] = []
                while !reader.isAtEnd {
                    guard let raw = try? reader.varint() else { return nil }
                    values.append(Int64(bitPattern: raw))
                }
                return values
            default: return nil
            }
        }

        var string: String? {
            if case .bytes(let reader) = self { return String(decoding: reader.remaining, as: UTF8.self) }
            return nil
        }
    }

    struct Malformed: Error {}

    var isAtEnd: Bool { position >= end }

    private var remaining: ArraySlice<UInt8> { bytes[position..<end] }

    mutating func varint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end, shift < 64 else { throw Malformed() }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    private mutating func fixed(_ count: Int) throws(Malformed) -> UInt64 {
        guard end - position >= count else { throw Malformed() }
        var result: UInt64 = 0
        for index in 0..<count { result |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += count
        return result
    }

    /// The next field, or `nil` at the end of the message.
    mutating func next() throws(Malformed) -> (field: Int, value: Value)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        guard field > 0 else { throw Malformed() }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(try fixed(8)))
        case 5: return (field, .fixed32(UInt32(try fixed(4))))
        case 2:
            let length = try varint()
            guard length <= UInt64(end - position) else { throw Malformed() }
            let range = position..<(position + Int(length))
            position = range.upperBound
            return (field, .bytes(ProtoReader(bytes, range: range)))
        default:
            throw Malformed()
        }
    }
}
