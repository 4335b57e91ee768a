import Core
import Testing

@testable import Workflow

@Suite struct ExpressionTests {
    static let today = Fixtures.today
    let facts: [String: Value] = [
        "age": 34, "form": "LLC", "area": 120.5, "married": false, "born": .date(CalendarDate(iso: "1992-04-01")!),
        "documents": .list(["passport", "diploma"]),
    ]

    @Test func comparisonsLogicMembershipDatesAndArithmetic() throws {
        let cases: [(String, Value)] = [
            ("age >= 18 and age < 65", true), ("not married or age > 50", true), ("form in ['LLC', 'JSC']", true),
            ("form not in ['LLC', 'JSC']", false), ("'passport' in documents", true), ("len(documents) == 2", true),
            ("area * 25 + 100", 3112.5), ("-age + 4", -30), ("max(1000, area * 2)", 1000), ("min(1, 2) == 1", true),
            ("born < date('2000-01-01')", true), ("days(born, date('1992-04-11'))", 10), ("(1 + 2) * 3 == 9", true),
            ("form == 'LLC' and (age > 40 or area > 100)", true), ("null == null", true),
        ]
        for (text, expected) in cases {
            #expect(try Expression(text).evaluate(facts, today: Self.today) == expected, "\(text)")
        }
    }

    @Test func parseErrorsNameTheColumn() {
        let cases: [(String, Int)] = [
            ("age = 3", 5), ("age >> 3", 6), ("shout('x')", 1), ("age > ", 7), ("'open", 1), ("(age > 3", 9),
            ("age # 2", 5),
        ]
        for (text, column) in cases {
            #expect(throws: ExpressionError.self, "\(text)") { try Expression(text) }
            do { _ = try Expression(text) } catch { #expect(error.column == column, "\(text): \(error)") }
        }
    }

    @Test func typeMismatchesAndUnknownNamesAreErrorsNotFalse() throws {
        for text in ["age > 'x'", "form + 1", "nobody == 1", "age and true", "1 / 0", "date('2026-02-30')", "len(age)"]
        {
            #expect(throws: ExpressionError.self, "\(text)") { try Expression(text).evaluate(facts, today: Self.today) }
        }
        #expect(throws: ExpressionError.self) { try Expression("age + 1").test(facts, today: Self.today) }
        #expect(try Expression("documents").names == ["documents"])
    }
}

@Suite struct DecisionTableTests {
    static let today = Fixtures.today
    static func subsidy(_ policy: DecisionTable.HitPolicy) throws -> DecisionTable {
        try DecisionTable(
            name: "subsidy", hitPolicy: policy, inputs: ["hectares", "crop"], outputs: ["eligible", "amount"],
            rules: [
                (["< 1", "-"], ["false", "0"]),
                (["? >= 1 and ? <= 5", "['wheat', 'barley']"], ["true", "hectares * 4000"]),
                ([">= 1", "'potato'"], ["true", "hectares * 2500"]),
                (["> 5", "-"], ["true", "20000"]),
            ])
    }

    @Test func uniqueFirstAndNoMatchReportTheRuleThatFired() throws {
        let unique = try Self.subsidy(.unique)
        #expect(
            try unique.decide(["hectares": 3, "crop": "wheat"], today: Self.today)
                == .init(rule: 2, outputs: ["eligible": true, "amount": 12000]))
        #expect(try unique.decide(["hectares": 0.5, "crop": "wheat"], today: Self.today)?.rule == 1)
        #expect(try unique.decide(["hectares": 3, "crop": "cotton"], today: Self.today) == nil, "no rule matches")
        // Two rules match (3 and 4): UNIQUE refuses to choose, FIRST takes the first.
        #expect(throws: ExpressionError.self) {
            try unique.decide(["hectares": 8, "crop": "potato"], today: Self.today)
        }
        #expect(
            try Self.subsidy(.first).decide(["hectares": 8, "crop": "potato"], today: Self.today)
                == .init(rule: 3, outputs: ["eligible": true, "amount": 20000]))
    }

    @Test func badCellsAreRefusedWithRuleAndColumn() {
        #expect(throws: DefinitionError.self) {
            try DecisionTable(
                name: "t", hitPolicy: .unique, inputs: ["a"], outputs: ["b"],
                rules: [([">> 1"], ["1"]), (["-", "-"], ["2"])])
        }
        do {
            _ = try DecisionTable(
                name: "t", hitPolicy: .unique, inputs: ["a"], outputs: ["b"],
                rules: [([">> 1"], ["1"]), (["-", "-"], ["2"])])
        } catch {
            #expect(error.problems.map(\.path) == ["/decisionTables/t/rules/0/tests/0", "/decisionTables/t/rules/1"])
        }
    }
}
