/// Protocol Buffers wire format (https://protobuf.dev/programming-guides/encoding/), only what the
/// CP-SAT messages need: varints, 64-bit doubles, length-delimited bytes and packed repeated
/// integers. Fields are written in the order they are added; a field at its default value is
/// omitted, as proto3 serializers do.
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    mutating func tag(_ field: Int, _ type: WireType) { varint(UInt64(field) << 3 | UInt64(type.rawValue)) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// `int64`/`int32` (negative values take ten bytes, as in protobuf).
    mutating func int(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        guard value else { return }
        tag(field, .varint)
        varint(1)
    }

    /// A proto2 `optional bool` written even when `false`, for fields whose default is `true`.
    mutating func presentBool(_ field: Int, _ value: Bool) {
        tag(field, .varint)
        varint(value ? 1 : 0)
    }

    mutating func double(_ field: Int, _ value: Double) {
        guard value != 0 else { return }
        tag(field, .fixed64)
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        lengthDelimited(field, Array(value.utf8))
    }

    mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// A packed repeated `int64`/`int32` field; nothing when empty.
    mutating func packed<Values: Collection>(_ field: Int, _ values: Values) where Values.Element: BinaryInteger {
        guard !values.isEmpty else { return }
        var inner = ProtoWriter()
        for value in values { inner.varint(UInt64(bitPattern: Int64(value))) }
        lengthDelimited(field, inner.bytes)
    }

    /// A nested message, written even when empty (presence matters for sub-messages).
    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        lengthDelimited(field, inner.bytes)
    }
}
