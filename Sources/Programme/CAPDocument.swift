import Core
import Foundation
import Identity

/// An alert as OASIS Common Alerting Protocol 1.2: one `<info>` per language, one `<area>` per
/// region, times in Bishkek (CAP wants an offset, not `Z`).
public enum CAPDocument {
    public static let namespace = "urn:oasis:names:tc:emergency:cap:1.2"

    /// The CAP 1.2 XML of `alert`; `sender` names the platform (`tazakoom@gov.kg`).
    public static func xml(_ alert: EmergencyAlert, sender: String, regionNames: [String: LocalizedName]) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <alert xmlns="\(namespace)">
            <identifier>\(escape(identifier(alert)))</identifier>
            <sender>\(escape(sender))</sender>
            <sent>\(time(alert.sentAt))</sent>
            <status>Actual</status>
            <msgType>Alert</msgType>
            <scope>Public</scope>

            """
        for language in Language.allCases {
            let text = alert.text(language)
            out += """
                <info>
                <language>\(language.rawValue)</language>
                <category>\(alert.category.rawValue)</category>
                <event>\(escape(text.headline))</event>
                <urgency>\(alert.urgency.rawValue)</urgency>
                <severity>\(alert.severity.rawValue)</severity>
                <certainty>\(alert.certainty.rawValue)</certainty>
                <expires>\(time(alert.expiresAt))</expires>
                <senderName>\(escape(alert.agency))</senderName>
                <headline>\(escape(text.headline))</headline>
                <instruction>\(escape(text.instruction))</instruction>

                """
            for region in alert.regions {
                out += """
                    <area>
                    <areaDesc>\(escape(regionNames[region]?.text(language) ?? region))</areaDesc>
                    <geocode><valueName>region</valueName><value>\(escape(region))</value></geocode>
                    </area>

                    """
            }
            out += "</info>\n"
        }
        return out + "</alert>\n"
    }

    /// The alert's identifier, unique to this platform.
    public static func identifier(_ alert: EmergencyAlert) -> String { "kg.tazakoom.alert." + alert.id }

    /// `2026-11-30T22:11:12+06:00`: CAP's dateTime, in Bishkek.
    static func time(_ seconds: Int) -> String {
        let bishkek = seconds + 6 * 3_600
        let day = CalendarDate(bishkekDayOf: seconds)
        let rest = ((bishkek % 86_400) + 86_400) % 86_400
        return String(format: "%@T%02d:%02d:%02d+06:00", day.description, rest / 3_600, rest / 60 % 60, rest % 60)
    }

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
}
