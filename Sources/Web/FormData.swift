import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, with repeated fields kept.
struct FormData: Sendable {
    private(set) var values: [String: [String]] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[key, default: []].append(value)
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value of `name`, or "".
    subscript(_ name: String) -> String { values[name]?.first ?? "" }

    /// Every value of `name`.
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// Reads the form from a request body (at most 64 KiB).
    static func read(_ request: Request) async throws -> FormData {
        var request = request
        try RequestForm.refuseDeclaredOversize(request, limit: 64 * 1024)
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        return FormData(String(buffer: buffer))
    }
}
