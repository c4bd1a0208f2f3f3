import Foundation
import PipeSched

/// Colours, number formatting and escaping shared by the SVG timeline and the HTML report.
enum SVGSupport {
    /// Fill colour of a pass kind; `chunk` (the stage's index among its device's stages) lightens
    /// every second chunk so interleaved and V schedules show which model chunk runs.
    static func fill(_ kind: OpKind, chunk: Int) -> String {
        let light = chunk % 2 == 1
        switch kind {
        case .forward: return light ? "#9ecae9" : "#4c78a8"
        case .backwardInput: return light ? "#ffbf79" : "#f58518"
        case .backwardWeight: return light ? "#a6dba0" : "#54a24b"
        case .backward: return light ? "#d6a5c9" : "#b279a2"
        case .recompute: return light ? "#c7c7c7" : "#8c8c8c"
        case .offload: return light ? "#e3d26f" : "#bcab3a"
        case .reload: return light ? "#8fd3c8" : "#3aa696"
        }
    }

    /// Black or white, whichever reads better on `fill` (a `#rrggbb` colour).
    static func textColor(on fill: String) -> String {
        let hex = fill.dropFirst()
        guard hex.count == 6, let value = Int(hex, radix: 16) else { return "#000" }
        func channel(_ shift: Int) -> Double {
            let c = Double((value >> shift) & 0xff) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        let luminance = 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
        return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#111" : "#fff"
    }

    /// Human name of a pass kind for legends.
    static func kindName(_ kind: OpKind) -> String {
        switch kind {
        case .forward: "F forward"
        case .backwardInput: "B input backward"
        case .backwardWeight: "W weight backward"
        case .backward: "BW full backward"
        case .recompute: "R recompute"
        case .offload: "O offload to host"
        case .reload: "L reload from host"
        }
    }

    /// A coordinate with at most two decimals, without trailing zeros.
    static func coordinate(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return "\(rounded)"
    }

    /// A percentage with one decimal.
    static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded() / 10
        return (tenths == tenths.rounded() ? String(Int(tenths)) : "\(tenths)") + "%"
    }

    /// Text safe inside XML/HTML elements and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A tick step of 1, 2 or 5 × 10^k not smaller than `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }
}
