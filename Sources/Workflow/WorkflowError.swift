/// Why an action cannot be taken.
public enum WorkflowError: Error, Sendable, Equatable {
    case unknownAction(String)
    /// The case is not in a state the action leaves from.
    case notFromState(action: String, state: String)
    /// The role may not take this action (or only the system may).
    case roleNotAllowed(action: String, role: String)
    /// The guard is false for this case's facts.
    case guardFailed(action: String, guard: String)
    case missingDocuments([String])
    /// The guard or a decision could not be evaluated (a fact of the wrong type, two UNIQUE rules…).
    case evaluation(String)
    /// The official is the applicant, or related to them.
    case conflictOfInterest
    /// The official cannot take the case (not of the agency, or without a role that can act on it).
    case notEligible(String)
}
