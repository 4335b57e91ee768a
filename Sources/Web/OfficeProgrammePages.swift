import Core
import Identity
import Programme

/// `/office/programme`: entering an indicator's figure, importing ICT statistics, publishing an
/// emergency alert; each form shows its problems beside its fields.
struct OfficeProgrammePage: Encodable, Sendable {
    /// A region to tick for an alert.
    struct RegionChoice: Encodable, Sendable {
        var value: String
        var label: String
        var checked: Bool
    }

    var canMeasure: Bool
    var measurementFields: [FieldModel]
    var measurementsAction: String
    var actionFields: [FieldModel]
    var actionsAction: String
    var ictField: FieldModel
    var ictAction: String
    var ictHint: String
    var canAlert: Bool
    var alertChoices: [FieldModel]
    var alertTexts: [FieldModel]
    var hoursField: FieldModel
    var regions: [RegionChoice]
    var regionsError: String?
    var alertAction: String

    static func make(
        indicators: [Indicator], actions: [ActionItem], agency: String?, isAdministrator: Bool, canAlert: Bool,
        regions: [Region],
        typed: FormData?, errors: [String: String], language: Language
    ) -> OfficeProgrammePage {
        let t = { (key: String) in Catalog.shipped.text(key, language) }
        let value = { (name: String) in typed?[name] ?? "" }
        func field(_ name: String, _ label: String, type: String = "text") -> FieldModel {
            var model = FieldModel(name: name, label: t(label))
            model.required = true
            model.error = errors[name]
            model.input = true
            model.type = type
            model.value = value(name)
            return model
        }
        func select(_ name: String, _ label: String, _ options: [(String, String)]) -> FieldModel {
            var model = FieldModel(name: name, label: t(label))
            model.required = true
            model.error = errors[name]
            model.select = true
            model.choices = options.map { FieldModel.Choice(value: $0.0, label: $0.1, selected: value(name) == $0.0) }
            return model
        }
        let mine = indicators.filter { $0.source == .entered && (isAdministrator || $0.agency == agency) }
        var measurement = [
            select("indicator", "programme_field_indicator", mine.map { ($0.code, $0.title.text(language)) }),
            field("period", "programme_field_period"),
            field("value", "programme_field_value"),
            select(
                "unit", "programme_field_unit",
                IndicatorUnit.allCases.map { ($0.rawValue, t("programme_unit_name_\($0.rawValue)")) }),
            field("evidence", "programme_field_evidence"),
        ]
        measurement[1].hint = t("programme_hint_period")
        let ownActions = actions.filter { isAdministrator || $0.agency == agency }
        let actionFields = [
            select(
                "action", "programme_field_action",
                ownActions.map { ($0.id, "\($0.task) · " + $0.title.text(language)) }),
            select(
                "status", "programme_field_status",
                ActionItem.Status.allCases.map { ($0.rawValue, t("programme_action_\($0.rawValue)")) }),
        ]
        var ict = FieldModel(name: "csv", label: t("programme_field_csv"))
        ict.required = true
        ict.error = errors["csv"]
        ict.textarea = true
        ict.value = value("csv")
        let choices = [
            select(
                "category", "alert_field_category",
                EmergencyAlert.Category.allCases.map { ($0.rawValue, t("alert_category_\($0.rawValue.lowercased())")) }),
            select(
                "severity", "alert_field_severity",
                EmergencyAlert.Severity.allCases.map { ($0.rawValue, t("alert_severity_\($0.rawValue.lowercased())")) }),
            select(
                "urgency", "alert_field_urgency",
                EmergencyAlert.Urgency.allCases.map { ($0.rawValue, t("alert_urgency_\($0.rawValue.lowercased())")) }),
            select(
                "certainty", "alert_field_certainty",
                EmergencyAlert.Certainty.allCases.map {
                    ($0.rawValue, t("alert_certainty_\($0.rawValue.lowercased())"))
                }),
        ]
        var texts: [FieldModel] = []
        for language in Language.allCases {
            var headline = field("headline_\(language.rawValue)", "alert_field_headline_\(language.rawValue)")
            headline.hint = nil
            var instruction = FieldModel(
                name: "instruction_\(language.rawValue)", label: t("alert_field_instruction_\(language.rawValue)"))
            instruction.required = true
            instruction.error = errors["instruction_\(language.rawValue)"]
            instruction.textarea = true
            instruction.value = value("instruction_\(language.rawValue)")
            texts += [headline, instruction]
        }
        var hours = field("hours", "alert_field_hours")
        hours.inputmode = "numeric"
        if typed == nil { hours.value = "24" }
        let ticked = Set(typed?.all("regions") ?? [])
        return OfficeProgrammePage(
            canMeasure: !mine.isEmpty, measurementFields: measurement,
            measurementsAction: Route.officeMeasurements.rawValue,
            actionFields: actionFields, actionsAction: Route.officeActionStatus.rawValue, ictField: ict,
            ictAction: Route.officeICT.rawValue, ictHint: t("programme_hint_csv"), canAlert: canAlert,
            alertChoices: choices, alertTexts: texts, hoursField: hours,
            regions: regions.map {
                RegionChoice(value: $0.code, label: $0.name.text(language), checked: ticked.contains($0.code))
            }, regionsError: errors["regions"], alertAction: Route.officeAlerts.rawValue)
    }
}
