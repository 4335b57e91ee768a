import Identity

/// Demo e-participation for a first start: a draft law of the parliament open for comments (in
/// Russian, as drafts are published), a national petition, and Bishkek's participatory budget in
/// its voting phase. The authorities act through demo officials made here; they sign nobody in.
public enum DemoParticipation {
    /// Seeds once, when there are no consultations yet; true if it did.
    @discardableResult
    public static func seed(_ services: ParticipationServices) async throws -> Bool {
        guard try await services.consultations.consultations(limit: 1).isEmpty else { return false }
        let parliament = official("JK")
        let cityHall = official("BCH")
        _ = try await services.consultations.publish(
            title: "Проект закона «О доступе к информации о деятельности государственных органов»",
            text: draftLaw, authority: "JK", days: 60, by: parliament)
        let author = Principal(
            pin: "21503199000018", displayName: "Demo author", post: nil, assurance: .substantial)
        let petition = try await services.petitions.create(
            title: "Освещение всех остановок общественного транспорта",
            body: "Просим осветить все остановки общественного транспорта, чтобы людям было безопасно ждать вечером.",
            level: .national, area: "KG", days: 90, by: author)
        for n in 1...Petition.sponsorsNeeded {
            _ = try await services.petitions.sponsor(
                petition.id,
                by: Principal(
                    pin: "2150319900001\(n)", displayName: "Demo sponsor", post: nil, assurance: .substantial))
        }
        try await services.petitions.moderate(
            petition.id, approve: true, reason: nil, by: official("MDD", .administrator))
        let budget = try await services.budgets.open(
            title: "Бюджет участия Бишкека 2027", total: 10_000_000, authority: "BCH", area: "BIS", days: 90,
            by: cityHall)
        let projects = [
            ("Детская площадка в 12 микрорайоне", 4_000_000),
            ("Скамейки и урны в Дубовом парке", 2_500_000),
            ("Велопарковки у школ", 1_500_000),
            ("Пандусы у поликлиник", 3_500_000),
        ]
        var proposals: [BudgetProposal] = []
        for (title, cost) in projects {
            proposals.append(
                try await services.budgets.propose(
                    budget.id, title: title, body: "Проект, предложенный жителями города для общего блага.", cost: cost,
                    by: author))
        }
        _ = try await services.budgets.advance(budget.id, by: cityHall)
        for proposal in proposals {
            try await services.budgets.review(
                proposal.id, of: budget.id, feasible: true, cost: proposal.cost, reason: "", by: cityHall)
        }
        _ = try await services.budgets.advance(budget.id, by: cityHall)
        return true
    }

    private static func official(_ agency: String, _ role: Role = .head) -> Principal {
        Principal(
            pin: "00000000000000", displayName: agency,
            post: OfficialPost(agencyCode: agency, position: "demo", roles: [role]), assurance: .high)
    }

    static let draftLaw = """
        Статья 1. Настоящий Закон регулирует отношения, связанные с доступом к информации о деятельности государственных органов и органов местного самоуправления.

        Статья 2. Каждый вправе запрашивать и получать информацию о деятельности государственных органов без обоснования необходимости её получения.

        Статья 3. Государственный орган отвечает на запрос в течение четырнадцати рабочих дней со дня его регистрации.

        Статья 4. Информация, затрагивающая права и свободы человека, предоставляется бесплатно.
        """
}
