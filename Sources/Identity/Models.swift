import Core

/// A natural person known to the state, identified by PIN.
public struct Person: Sendable, Codable, Equatable {
    public var pin: String
    public var familyName: String
    public var givenName: String
    public var patronymic: String
    /// `YYYY-MM-DD`, always equal to the date embedded in the PIN.
    public var birthDate: String
    /// `female` or `male`, as coded in the PIN.
    public var sex: String
    public var districtCode: String?
    public var address: String
    public var phone: String
    public var email: String
    /// Demo records are fictitious and say so wherever they are shown.
    public var isDemo: Bool

    public init(
        pin: String, familyName: String, givenName: String, patronymic: String = "", birthDate: String, sex: String,
        districtCode: String? = nil, address: String = "", phone: String = "", email: String = "", isDemo: Bool = false
    ) {
        self.pin = pin
        self.familyName = familyName
        self.givenName = givenName
        self.patronymic = patronymic
        self.birthDate = birthDate
        self.sex = sex
        self.districtCode = districtCode
        self.address = address
        self.phone = phone
        self.email = email
        self.isDemo = isDemo
    }

    /// Given name, patronymic and family name, as people are addressed in letters.
    public var fullName: String {
        [givenName, patronymic, familyName].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// A legal entity or individual entrepreneur, identified by INN.
public struct Organisation: Sendable, Codable, Equatable {
    public var inn: String
    public var name: String
    /// e.g. `LLC`, `JSC`, `IE`, `NGO`, `state`.
    public var legalForm: String
    public var districtCode: String?
    public var address: String
    /// `YYYY-MM-DD`, the registration date embedded in the INN.
    public var registeredOn: String
    public var isDemo: Bool

    public init(
        inn: String, name: String, legalForm: String, districtCode: String? = nil, address: String = "",
        registeredOn: String, isDemo: Bool = false
    ) {
        self.inn = inn
        self.name = name
        self.legalForm = legalForm
        self.districtCode = districtCode
        self.address = address
        self.registeredOn = registeredOn
        self.isDemo = isDemo
    }
}

/// A name in the three languages of the platform.
public struct LocalizedName: Sendable, Codable, Equatable {
    public var ky: String
    public var ru: String
    public var en: String

    public init(ky: String, ru: String, en: String) {
        self.ky = ky
        self.ru = ru
        self.en = en
    }

    /// The name in `language`.
    public func text(_ language: Language) -> String {
        switch language {
        case .ky: ky
        case .ru: ru
        case .en: en
        }
    }
}

/// A state body: ministry, service, parliament, court or city hall.
public struct Agency: Sendable, Codable, Equatable {
    /// Short stable code, e.g. `MDD`.
    public var code: String
    public var branch: Branch
    public var name: LocalizedName
    public var regionCode: String?

    /// The branch of power an agency belongs to.
    public enum Branch: String, Sendable, Codable, CaseIterable {
        case executive, legislative, judicial, local
    }

    public init(code: String, branch: Branch, name: LocalizedName, regionCode: String? = nil) {
        self.code = code
        self.branch = branch
        self.name = name
        self.regionCode = regionCode
    }
}

/// An oblast or a city of republican significance.
public struct Region: Sendable, Codable, Equatable {
    public var code: String
    /// `oblast` or `city`.
    public var kind: String
    public var name: LocalizedName
    public var districts: [District]
}

/// A rayon (or a city district) within a region.
public struct District: Sendable, Codable, Equatable {
    public var code: String
    public var name: LocalizedName
}
