import Hummingbird

/// The kind of a path, which decides the middleware its requests pass: a request pays only for
/// what its route needs.
/// - `operations`: probes, metrics, the API description and static files; no cookies, no tokens.
/// - `machine`: other systems' calls under `/api/` and `/data/`: bearer tokens, JSON, no CSRF.
/// - `pages`: everything a browser shows: session, CSRF token, forms.
enum RouteArea: Sendable {
    case operations, machine, pages

    init(path: some StringProtocol) {
        if path.hasPrefix(Route.apiPrefix) || path.hasPrefix(Route.dataPrefix)
            || Route.exchangePrefixes.contains(where: { path.hasPrefix($0) })
        {
            self = .machine
        } else if Self.operationPaths.contains(String(path)) || path.hasPrefix(Route.staticPrefix) {
            self = .operations
        } else {
            self = .pages
        }
    }

    private static let operationPaths: Set<String> = [
        Route.healthz.rawValue, Route.readyz.rawValue, Route.metrics.rawValue, Route.openAPI.rawValue,
    ]
}

/// Registers each route in the group of its area, so controllers need not know the pipeline and
/// no route can be given the wrong middleware.
struct AreaRouter: RouterMethods {
    typealias Context = AppRequestContext

    let operations: RouterGroup<AppRequestContext>
    let machine: RouterGroup<AppRequestContext>
    let pages: RouterGroup<AppRequestContext>

    @discardableResult func on<Responder: HTTPResponder>(
        _ path: RouterPath, method: HTTPRequest.Method, responder: Responder
    ) -> Self where Responder.Context == AppRequestContext {
        switch RouteArea(path: path.description) {
        case .operations: operations.on(path, method: method, responder: responder)
        case .machine: machine.on(path, method: method, responder: responder)
        case .pages: pages.on(path, method: method, responder: responder)
        }
        return self
    }

    /// Adds `middleware` to every area, for the routes registered after this call.
    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, AppRequestContext>) -> Self {
        operations.add(middleware: middleware)
        machine.add(middleware: middleware)
        pages.add(middleware: middleware)
        return self
    }
}
