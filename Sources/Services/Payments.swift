import Storage

/// What a payment gateway says about a charge.
public enum PaymentOutcome: Sendable, Equatable {
    /// Money taken; the reference identifies the charge at the gateway.
    case confirmed(reference: String)
    /// Refused (insufficient funds, card blocked); nothing taken.
    case failed(reason: String)
    /// No answer in time: the charge may or may not have happened; ask `status` later.
    case pending(reference: String)
}

/// A bank or payment system that charges fees. The platform never assumes a charge it has not
/// seen confirmed, and never forgets one it has.
public protocol PaymentGateway: Sendable {
    /// Charges `amount` som for `bill` (our bill number is the merchant reference, so the gateway
    /// never charges one bill twice); `instruction` is the payer's choice on the gateway's page.
    func charge(bill: String, amount: Int, instruction: String) async throws -> PaymentOutcome
    /// The state of the charge for `bill`, for one that was left pending.
    func status(bill: String) async throws -> PaymentOutcome
}

/// The gateway of tests and the demo: the payer chooses the outcome (`confirm`, `fail`,
/// `timeout`). A timed-out charge was in fact taken, as happens with real banks: asking
/// `status` later confirms it. The test bank keeps its books in its own table, so a charge
/// survives a restart of the platform like a real bank's would.
public struct TestPaymentGateway: PaymentGateway {
    let database: Database
    let store: any ServicesStore = SQLServicesStore()

    /// The test bank, keeping its books in `database`.
    public init(database: Database) {
        self.database = database
    }

    public func charge(bill: String, amount: Int, instruction: String) async throws -> PaymentOutcome {
        let reference = "TEST-" + bill
        if instruction == "fail" { return .failed(reason: "declined by the test bank") }
        try await database.withConnection { sql in try await store.recordTestCharge(bill: bill, amount: amount, on: sql)
        }
        return instruction == "timeout" ? .pending(reference: reference) : .confirmed(reference: reference)
    }

    public func status(bill: String) async throws -> PaymentOutcome {
        let taken = try await database.withConnection { sql in try await store.testChargeExists(bill: bill, on: sql) }
        return taken ? .confirmed(reference: "TEST-" + bill) : .failed(reason: "unknown charge")
    }
}
