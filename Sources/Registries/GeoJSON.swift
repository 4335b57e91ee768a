/// The checks a `geojson` field gets: a Polygon or MultiPolygon whose rings are closed lists of
/// at least four [longitude, latitude] positions within range (RFC 7946, the shapes land uses).
public enum GeoJSON {
    static func isValid(_ object: [String: JSONValue]) -> Bool {
        guard case .string(let type) = object["type"], case .array(let coordinates) = object["coordinates"] else {
            return false
        }
        switch type {
        case "Polygon": return isPolygon(coordinates)
        case "MultiPolygon":
            return !coordinates.isEmpty
                && coordinates.allSatisfy { if case .array(let polygon) = $0 { isPolygon(polygon) } else { false } }
        default: return false
        }
    }

    private static func isPolygon(_ rings: [JSONValue]) -> Bool {
        !rings.isEmpty
            && rings.allSatisfy { ring in
                guard case .array(let positions) = ring, positions.count >= 4 else { return false }
                let points = positions.compactMap(position)
                return points.count == positions.count && points.first == points.last
            }
    }

    private static func position(_ value: JSONValue) -> [Double]? {
        guard case .array(let parts) = value, parts.count == 2,
            case .number(let longitude) = parts[0], case .number(let latitude) = parts[1],
            (-180...180).contains(longitude), (-90...90).contains(latitude)
        else { return nil }
        return [longitude, latitude]
    }

    /// The outer rings of a Polygon or MultiPolygon, as (longitude, latitude) lists, for drawing.
    public static func outerRings(_ value: JSONValue) -> [[(Double, Double)]] {
        guard case .object(let object) = value, case .array(let coordinates) = object["coordinates"] else { return [] }
        let polygons: [JSONValue] = object["type"] == .string("Polygon") ? [.array(coordinates)] : coordinates
        return polygons.compactMap { polygon in
            guard case .array(let rings) = polygon, case .array(let outer)? = rings.first else { return nil }
            return outer.compactMap(position).map { ($0[0], $0[1]) }
        }
    }
}
