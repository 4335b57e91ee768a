import Core
import Foundation
import Hummingbird
import Participation
import Registries

/// Petitions as JSON for anyone (`/api/v1/petitions/{id}`), as the UK Parliament's petitions site
/// offers them: the text, the figures, and signatures by region and district. A district's count
/// of 1 to 4 is left out (null) so that no signer can be singled out.
struct PetitionAPIController: Sendable {
    let petitions: PetitionService

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get(Route.apiPetition.pattern, use: petition)
    }

    @Sendable func petition(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64, let petition = try? await petitions.petition(id), petition.status != .hidden else {
            throw DomainError.notFound
        }
        let counts = try await petitions.counts(id)
        let body: JSONValue = .object([
            "id": .string(petition.id), "title": .string(petition.title), "text": .string(petition.body),
            "level": .string(petition.level.rawValue), "area": .string(petition.area),
            "status": .string(petition.status.rawValue),
            "created": .string(CalendarDate.utcTimestamp(petition.createdAt)),
            "deadline": .string(CalendarDate.utcTimestamp(petition.deadline)),
            "threshold": .number(Double(petition.threshold)), "signatures": .number(Double(petition.signatures)),
            "dutyToAnswer": .bool(petition.dutyAt != nil),
            "byDistrict": .array(
                counts.map { count in
                    .object([
                        "region": .string(count.region), "district": .string(count.district),
                        "signatures": SmallCounts.cell(count.signatures).isEmpty
                            ? .null : .number(Double(count.signatures)),
                    ])
                }),
        ])
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=10"],
            body: .init(byteBuffer: ByteBuffer(string: body.canonicalJSON)))
    }
}
