import Hummingbird

/// A message for the page after a form that changed something (Post/Redirect/Get).
///
/// The form's handler answers 303 to the resulting page and names the message; the browser
/// carries its name in a short-lived cookie, and the next page shows it once and clears it. So a
/// reload or a switch of language re-reads the page and never sends the form again. Only these
/// names are shown: a forged cookie can choose among them, not write text.
enum Notice: String, CaseIterable, Sendable {
    case applicationWithdrawn = "application_withdrawn"
    case correctionSent = "correction_sent"
    case ratingThanks = "rating_thanks"
    case billPaid = "bill_notice_paid"
    case billFailed = "bill_notice_failed"
    case billPending = "bill_notice_pending"
    case caseDecided = "case_decided"
    case draftSaved = "apply_draft_saved"
    case appealSent = "appeal_sent"
    case contactChanged = "contact_changed"
    case documentRevoked = "document_revoked_notice"
    case memberApproved = "exchange_member_approved"
    case memberRefused = "exchange_member_refused"
    case eventQueued = "exchange_event_requeued"
    case petitionSigned = "petition_signed"
    case petitionAlreadySigned = "petition_already_signed"
    case petitionWithdrawn = "petition_withdrawn"
    case commentPosted = "comment_posted"
    case ballotCast = "ballot_cast"
    case ballotAlreadyCast = "ballot_already_cast"
    case petitionCreated = "petition_created"
    case petitionSponsored = "petition_sponsored"
    case reportFiled = "report_filed"
    case moderated = "moderation_done"
    case consultationPublished = "consultation_published"
    case versionPublished = "consultation_version_published"
    case commentAnswered = "comment_answered"
    case budgetOpened = "budget_opened"
    case proposalReviewed = "proposal_reviewed"
    case budgetAdvanced = "budget_advanced"
    case proposalSent = "proposal_sent"
    case measurementRecorded = "programme_measurement_recorded"
    case ictImported = "programme_ict_imported"
    case actionUpdated = "programme_action_updated"
    case alertPublished = "programme_alert_published"

    /// The cookie that carries the name from the redirect to the page.
    static let cookie = "tk_notice"

    /// Bad news, shown as an alert rather than a status message.
    var isWarning: Bool { self == .billFailed }

    /// The bill's outcome as a message, or nil for a status that has none.
    init?(billStatus: String) {
        self.init(rawValue: "bill_notice_\(billStatus)")
    }

    /// The notice a request carries, if any (an unknown name is ignored).
    static func carried(by request: Request) -> Notice? {
        request.cookies[cookie].flatMap { Notice(rawValue: $0.value) }
    }
}

extension Response {
    /// 303 to `path`, where `notice` is shown once.
    static func seeOther(_ path: String, notice: Notice) -> Response {
        var response = Response.redirect(to: path, type: .normal)
        response.setCookie(
            Cookie(name: Notice.cookie, value: notice.rawValue, maxAge: 60, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}
