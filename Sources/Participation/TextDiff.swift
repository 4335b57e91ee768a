/// The differences between two versions of a text, passage by passage (a longest common
/// subsequence of passages): what stayed, what was removed, what was added, in reading order.
public enum TextDiff {
    /// One passage of the comparison.
    public struct Line: Sendable, Equatable {
        /// Whether the passage is in both versions, only the older or only the newer.
        public enum Kind: String, Sendable {
            case same, removed, added
        }
        public var kind: Kind
        public var text: String
    }

    /// The passages of `old` and `new` merged in order. Quadratic in the passages of one act, a few
    /// hundred at most; longer inputs are compared as wholly replaced rather than slowly.
    public static func passages(_ old: [String], _ new: [String]) -> [Line] {
        guard old.count * new.count <= 4_000_000 else {
            return old.map { Line(kind: .removed, text: $0) } + new.map { Line(kind: .added, text: $0) }
        }
        // common[i][j]: the longest common subsequence of old[i...] and new[j...].
        var common = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [Line] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                lines.append(Line(kind: .same, text: old[i]))
                i += 1
                j += 1
            } else if i < old.count, j == new.count || common[i + 1][j] >= common[i][j + 1] {
                // What was removed before what replaced it, as diffs are read.
                lines.append(Line(kind: .removed, text: old[i]))
                i += 1
            } else {
                lines.append(Line(kind: .added, text: new[j]))
                j += 1
            }
        }
        return lines
    }
}
