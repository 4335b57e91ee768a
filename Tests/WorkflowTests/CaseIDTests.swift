import Testing
import Workflow

/// Case ids sort by the second they were made, so new cases go to the end of every index keyed by them.
@Suite struct CaseIDTests {
    @Test func idsSortByTheirSecondAndDifferWithinOne() {
        let now = 1_795_000_000
        let earlier = WorkflowCase.newID(at: now)
        let later = WorkflowCase.newID(at: now + 1)
        #expect(earlier < later)
        #expect(WorkflowCase.newID(at: 1) < WorkflowCase.newID(at: 256), "the second is big-endian")
        let sameSecond = Set((0..<1_000).map { _ in WorkflowCase.newID(at: now) })
        #expect(sameSecond.count == 1_000)
        #expect(earlier.count == 20 && earlier.allSatisfy(\.isHexDigit))
        #expect(WorkflowCase.newID(at: -5).hasPrefix("00000000"), "a time before 1970 is clamped, not a crash")
        #expect(WorkflowCase.newID(at: Int.max).hasPrefix("ffffffff"))
    }
}
