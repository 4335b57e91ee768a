
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
/// `status` later confirms it.
public actor TestPaymentGateway: PaymentGateway {
    private var charges: [String: Int] = [:]

    public init() {}

    public func charge(bill: String, amount: Int, instruction: String) async throws -> PaymentOutcome {
        let reference = "TEST-" + bill
        switch instruction {
        case "fail": return .failed(reason: "declined by the test bank")
        case "timeout":
            charges[bill] = amount
            return .pending(reference: reference)
        default:
            charges[bill] = amount
            return .confirmed(reference: reference)
        }
    }

    public func status(bill: String) async throws -> PaymentOutcome {
        charges[bill] != nil ? .confirmed(reference: "TEST-" + bill) : .failed(reason: "unknown charge")
    }

    /// Charges taken, for tests.
    public func taken() -> Int { charges.count }
}
