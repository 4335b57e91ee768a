import Hummingbird

/// The registered routes, to answer 405 with `Allow` when a path exists under another method.
struct RouteIndex: Sendable {
    private let routes: [(components: [RouterPath.Element], method: HTTPRequest.Method)]

    init(_ routes: [Router<AppRequestContext>.RouteDescription]) {
        self.routes = routes.map { ($0.path.components, $0.method) }
    }

    /// Methods registered for `path`, sorted; empty when no route matches the path at all.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matching = routes.filter { route in
            route.components.count == segments.count && zip(route.components, segments).allSatisfy { $0 ~= $1 }
        }
        return Set(matching.map(\.method.rawValue)).sorted().compactMap { HTTPRequest.Method($0) }
    }
}
