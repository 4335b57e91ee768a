import Core
import OpenData
import Participation

/// E-participation's open data: petitions with their tallies, signatures by region (1 to 4 left
/// empty) and the results of closed participatory budgets. Each figure can be recounted from the
/// public ledger with `tazakoom participation recount`.
extension PlatformOpenData {
    func participationTables(_ participation: ParticipationServices) async throws -> [PublishedTable] {
        let petitions = try await participation.petitions.petitions(limit: 10_000).sorted { $0.id < $1.id }
        var byRegion: [[String]] = []
        for petition in petitions {
            var regions: [String: Int] = [:]
            for count in try await participation.petitions.counts(petition.id) {
                regions[count.region, default: 0] += count.signatures
            }
            for (region, signatures) in regions.sorted(by: { $0.key < $1.key }) {
                byRegion.append([petition.id, region, SmallCounts.cell(signatures)])
            }
        }
        var results: [[String]] = []
        for budget in try await participation.budgets.budgets(limit: 10_000).sorted(by: { $0.id < $1.id })
        where budget.phase == .closed {
            for (proposal, funded) in try await participation.budgets.results(budget.id) {
                results.append([
                    budget.id, budget.area, budget.title, proposal.id, proposal.title, String(proposal.cost),
                    String(proposal.votes), funded ? "true" : "false",
                ])
            }
        }
        return [
            PublishedTable(
                name: "petitions",
                title: TranslatedText(["en": "Petitions", "ru": "Петиции", "ky": "Петициялар"]),
                notes: TranslatedText([
                    "en":
                        "Petitions open for signatures or closed: level, area, dates (UTC), threshold, signatures and whether the duty to answer began. Recount any of them from the ledger with `tazakoom participation recount`.",
                    "ru":
                        "Петиции, открытые для подписей или закрытые: уровень, территория, даты (UTC), порог, число подписей и возникла ли обязанность ответить. Любую можно пересчитать по реестру командой `tazakoom participation recount`.",
                    "ky":
                        "Кол коюуга ачык же жабык петициялар: деңгээли, аймагы, даталары (UTC), босогосу, колдордун саны жана жооп берүү милдети пайда болгонбу. Ар бирин реестр боюнча `tazakoom participation recount` менен кайра эсептөөгө болот.",
                ]),
                themes: ["GOVE"], tags: ["participation", "petitions"], frequency: "DAILY",
                columns: [
                    .init(name: "petition", type: .string), .init(name: "title", type: .string),
                    .init(name: "level", type: .string), .init(name: "area", type: .string),
                    .init(name: "status", type: .string), .init(name: "opened", type: .string),
                    .init(name: "deadline", type: .string), .init(name: "threshold", type: .integer),
                    .init(name: "signatures", type: .integer), .init(name: "duty_to_answer", type: .boolean),
                ],
                rows: petitions.map {
                    [
                        $0.id, $0.title, $0.level.rawValue, $0.area, $0.status.rawValue,
                        CalendarDate.utcTimestamp($0.createdAt), CalendarDate.utcTimestamp($0.deadline),
                        String($0.threshold), String($0.signatures), $0.dutyAt == nil ? "false" : "true",
                    ]
                }),
            PublishedTable(
                name: "petition-signatures-by-region",
                title: TranslatedText([
                    "en": "Petition signatures by region", "ru": "Подписи под петициями по областям",
                    "ky": "Петицияларга колдор облустар боюнча",
                ]),
                notes: TranslatedText([
                    "en":
                        "Signatures per petition and region, where signers live by the population register. Counts of 1 to 4 are left empty.",
                    "ru":
                        "Подписи по петициям и областям (по месту жительства в реестре населения). Числа от 1 до 4 не публикуются.",
                    "ky":
                        "Петициялар жана облустар боюнча колдор (калк реестриндеги жашаган жери боюнча). 1ден 4кө чейинки сандар жарыяланбайт.",
                ]),
                themes: ["GOVE", "REGI"], tags: ["participation", "petitions"], frequency: "DAILY",
                columns: [
                    .init(name: "petition", type: .string), .init(name: "region", type: .string),
                    .init(name: "signatures", type: .integer),
                ],
                rows: byRegion),
            PublishedTable(
                name: "participatory-budget-results",
                title: TranslatedText([
                    "en": "Participatory budgets: results", "ru": "Бюджеты участия: итоги",
                    "ky": "Катышуу бюджеттери: жыйынтыктар",
                ]),
                notes: TranslatedText([
                    "en":
                        "For each closed budget, every feasible project with its cost in som, its votes and whether it is funded (the most approved projects that fit the budget).",
                    "ru":
                        "Для каждого завершённого бюджета: каждый осуществимый проект, его стоимость в сомах, число голосов и финансируется ли он.",
                    "ky":
                        "Ар бир аяктаган бюджет үчүн: ар бир ишке ашырыла турган долбоор, анын сомдогу баасы, добуштары жана каржыланабы.",
                ]),
                themes: ["GOVE", "ECON"], tags: ["participation", "budget"], frequency: "DAILY",
                columns: [
                    .init(name: "budget", type: .string), .init(name: "area", type: .string),
                    .init(name: "budget_title", type: .string), .init(name: "project", type: .string),
                    .init(name: "project_title", type: .string), .init(name: "cost_som", type: .integer),
                    .init(name: "votes", type: .integer), .init(name: "funded", type: .boolean),
                ],
                rows: results),
        ]
    }
}
