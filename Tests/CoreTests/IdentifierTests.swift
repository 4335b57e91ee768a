import Core
import Testing

@Suite struct PINTests {
    @Test func acceptsAValidPINAndReadsItsParts() throws {
        let pin = try PIN("21503198500123")
        #expect(pin.sex == .male)
        #expect(pin.birthDate.description == "1985-03-15")
        #expect(try PIN("1 1207 1990 00417").value == "11207199000417")
    }

    @Test(arguments: [
        ("2150319850012", "error_pin_length"),
        ("215031985001234", "error_pin_length"),
        ("", "error_pin_length"),
        ("2150319850012A", "error_pin_digits"),
        ("２１５０３１９８５００１２３", "error_pin_digits"),
        ("31503198500123", "error_pin_sex"),
        ("01503198500123", "error_pin_sex"),
        ("23102198500123", "error_pin_date"),  // 31 February
        ("22902200100123", "error_pin_date"),  // 29 February of a common year
        ("21513198500123", "error_pin_date"),  // month 13
        ("20101189900123", "error_pin_date"),  // before 1900
        ("20101299900123", "error_pin_date"),  // in the future
    ])
    func refusesInvalidPINs(text: String, key: String) {
        #expect(throws: ValidationError(field: "pin", messageKey: key)) { try PIN(text) }
    }

    @Test func acceptsTheTwentyNinthOfFebruaryInALeapYear() throws {
        #expect(try PIN("12902200000123").birthDate.description == "2000-02-29")
    }
}

@Suite struct INNTests {
    @Test func acceptsLegalEntitiesAndEntrepreneurs() throws {
        #expect(try INN("01203201510005").embeddedDate.description == "2015-03-12")
        #expect(try INN("22511197901022").embeddedDate.description == "1979-11-25")
    }

    @Test(arguments: [
        ("0120320151000", "error_inn_length"),
        ("0120320151000x", "error_inn_digits"),
        ("51203201510005", "error_inn_kind"),
        ("03202201510005", "error_inn_date"),
        ("00101299910005", "error_inn_date"),
    ])
    func refusesInvalidINNs(text: String, key: String) {
        #expect(throws: ValidationError(field: "inn", messageKey: key)) { try INN(text) }
    }
}
