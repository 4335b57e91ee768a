/// Counts of people or cases below five are not published: together with other columns they could
/// single a person out.
public enum SmallCounts {
    public static let threshold = 5

    /// `n` as a cell, empty when it is 1 to 4.
    public static func cell(_ n: Int) -> String { (1..<threshold).contains(n) ? "" : String(n) }

    /// A figure computed over `n` cases (a median, a share), empty when `n` is below the threshold.
    public static func cell(_ value: String, over n: Int) -> String { n < threshold ? "" : value }
}
