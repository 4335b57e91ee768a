import Identity
import Participation

/// A moderator and co-sponsors for tests that need a petition open for signatures.
public enum PetitionFixtures {
    /// A platform administrator, who moderates petitions.
    public static let moderator = Principal(
        pin: "11502198000555", displayName: "Moderator",
        post: OfficialPost(agencyCode: "MDD", position: "Moderator", roles: [.administrator]), assurance: .high)

    /// Co-sponsor `n` (substantial assurance).
    public static func sponsor(_ n: Int) -> Principal {
        Principal(
            pin: "2990119900\(String(format: "%04d", n))", displayName: "Sponsor \(n)", post: nil,
            assurance: .substantial)
    }
}

extension PetitionService {
    /// Starts a petition and takes it the whole way to open: co-sponsors, then a moderator's approval.
    public func opened(
        title: String, body: String, level: Petition.Level, area: String, days: Int = 90, threshold: Int? = nil,
        by author: Principal
    ) async throws -> Petition {
        let petition = try await create(
            title: title, body: body, level: level, area: area, days: days, threshold: threshold, by: author)
        for n in 1...Petition.sponsorsNeeded { _ = try await sponsor(petition.id, by: PetitionFixtures.sponsor(n)) }
        try await moderate(petition.id, approve: true, reason: nil, by: PetitionFixtures.moderator)
        return try await self.petition(petition.id)
    }
}
