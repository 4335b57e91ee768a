import SQLKit

extension SQLQueryString {
    /// `prefix (?, ?, …), (?, ?, …) suffix`: a multi-row statement with every value bound, for
    /// inserting many rows in one round trip. Keep rows × columns under 32,000 (SQLite's bind limit).
    public static func rows(_ prefix: String, _ rows: [[any Encodable & Sendable]], _ suffix: String = "")
        -> SQLQueryString
    {
        var query = SQLQueryString(prefix)
        for (r, row) in rows.enumerated() {
            query.appendLiteral(r == 0 ? "(" : ", (")
            for (c, value) in row.enumerated() {
                if c > 0 { query.appendLiteral(", ") }
                query.appendInterpolation(bind: value)
            }
            query.appendLiteral(")")
        }
        query.appendLiteral(suffix)
        return query
    }

    /// `?, ?, …` with every value bound, for `IN (…)` lists.
    public static func list(_ values: [any Encodable & Sendable]) -> SQLQueryString {
        var query = SQLQueryString("")
        for (i, value) in values.enumerated() {
            if i > 0 { query.appendLiteral(", ") }
            query.appendInterpolation(bind: value)
        }
        return query
    }
}
