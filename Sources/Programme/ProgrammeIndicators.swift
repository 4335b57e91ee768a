import Identity

/// The programme's indicators and the first items of its action plan, as reference data: the
/// computed ones say how the platform computes them (`ComputedIndicators` in App does it).
public enum ProgrammeIndicators {
    public static let all: [Indicator] = [
        computed(
            "services-online", "3.1", .count, 0, 200,
            .init(
                ky: "Онлайн жеткиликтүү мамлекеттик кызматтар", ru: "Государственные услуги, доступные онлайн",
                en: "Public services available online"),
            .init(
                ky: "Платформанын кызматтар каталогундагы кызматтардын саны.",
                ru: "Число услуг в каталоге услуг платформы.",
                en: "The number of services in the platform's service catalogue.")),
        computed(
            "applications-online", "3.1", .count, 0, 1_000_000,
            .init(ky: "Онлайн берилген арыздар", ru: "Заявления, поданные онлайн", en: "Applications submitted online"),
            .init(
                ky: "Платформа аркылуу берилген бардык арыздардын саны (порталдан жана API аркылуу).",
                ru: "Число всех заявлений, поданных через платформу (на портале и через API).",
                en: "Every application submitted through the platform (on the portal and through the API).")),
        computed(
            "decided-on-time", "3.1", .percent, 0, 95,
            .init(
                ky: "Мыйзамдуу мөөнөттө чечилген арыздар", ru: "Заявления, решённые в законный срок",
                en: "Applications decided within the legal deadline"),
            .init(
                ky: "Чечилген арыздардын ичинен чечими мөөнөтүнө чейин (Бишкек убакыты) кабыл алынгандардын үлүшү.",
                ru: "Доля решённых заявлений, решение по которым принято не позже срока (по времени Бишкека).",
                en: "Of the decided applications, the share decided on or before their due day (Bishkek time).")),
        computed(
            "median-days", "3.1", .days, 30, 5,
            .init(
                ky: "Чечимге чейинки орточо (медиана) мөөнөт", ru: "Медианный срок до решения",
                en: "Median time to a decision"),
            .init(
                ky: "Берилгенден чечимге чейинки күндөрдүн медианасы, бардык чечилген арыздар боюнча.",
                ru: "Медиана дней от подачи до решения по всем решённым заявлениям.",
                en: "The median of days from submission to decision over every decided application.")),
        computed(
            "datasets-published", "3.5", .count, 0, 500,
            .init(
                ky: "Жарыяланган ачык маалымат топтомдору", ru: "Опубликованные наборы открытых данных",
                en: "Open datasets published"),
            .init(
                ky: "Ачык маалыматтар порталындагы топтомдордун саны.", ru: "Число наборов на портале открытых данных.",
                en: "The number of datasets on the open data portal.")),
        computed(
            "registries-connected", "3.1", .count, 0, 30,
            .init(
                ky: "Алмашуу катмарына туташкан реестрлер", ru: "Реестры, подключённые к слою обмена",
                en: "Registries connected to the exchange"),
            .init(
                ky: "Бул түйүн алмашуу катмарында кызмат катары сунуштаган реестрлер.",
                ru: "Реестры, которые этот узел предлагает как услуги на слое обмена.",
                en: "Registries this node offers as services on the exchange layer.")),
        computed(
            "exchange-messages", "3.1", .count, 0, 1_000_000,
            .init(ky: "Айына алмашуу билдирүүлөрү", ru: "Сообщения обмена за месяц", en: "Exchange messages per month"),
            .init(
                ky: "Акыркы 30 күндө бул түйүн жөнөткөн же жооп берген билдирүүлөр.",
                ru: "Сообщения, которые этот узел отправил или на которые ответил за последние 30 дней.",
                en: "Messages this node sent or answered on the exchange layer in the last 30 days.")),
        computed(
            "participation-acts", "3.1", .count, 0, 500_000,
            .init(
                ky: "Электрондук катышуу аракеттери", ru: "Действия электронного участия", en: "Acts of e-participation"
            ),
            .init(
                ky:
                    "Петицияларга коюлган колдор, катышуу бюджеттериндеги бюллетендер жана долбоорлорго пикирлер. Адамдар ар бир петицияда өзүнчө псевдоним менен жазылат, ошондуктан адамдар эмес, аракеттер саналат.",
                ru:
                    "Подписи под петициями, бюллетени в бюджетах участия и комментарии к проектам. Люди записаны под отдельным псевдонимом в каждой петиции, поэтому считаются действия, а не люди.",
                en:
                    "Signatures on petitions, ballots in participatory budgets and comments on drafts. People are recorded under a separate pseudonym in each petition, so acts are counted, not people."
            )),
        computed(
            "ledger-entries", "1.2", .count, 0, 10_000_000,
            .init(
                ky: "Ачыктык реестриндеги жазуулар", ru: "Записи в реестре прозрачности",
                en: "Entries in the transparency ledger"),
            .init(
                ky: "Ачыктык реестринин өлчөмү: ар бир расмий аракет бир жазуу.",
                ru: "Размер реестра прозрачности: каждое официальное действие — одна запись.",
                en: "The size of the transparency ledger: each official action is one entry.")),
        entered(
            "broadband-coverage", "1.1", .percent, 60, 98, "MDD",
            .init(
                ky: "Кеңири тилкелүү байланыш менен камтылган калк", ru: "Население, охваченное широкополосной связью",
                en: "Population covered by broadband"),
            .init(
                ky: "Байланыш операторлорунун маалыматтары боюнча Санариптик өнүктүрүү министрлиги киргизет.",
                ru: "Вносит Министерство цифрового развития по данным операторов связи.",
                en: "Entered by the Ministry of Digital Development from the operators' reports.")),
        entered(
            "civil-servants-trained", "2.3", .count, 0, 20_000, "MDD",
            .init(
                ky: "Санариптик көндүмдөргө окутулган кызматкерлер", ru: "Служащие, обученные цифровым навыкам",
                en: "Civil servants trained in digital skills"),
            .init(
                ky: "Окутуу борборлорунун отчеттору боюнча киргизилет.", ru: "Вносится по отчётам учебных центров.",
                en: "Entered from the training centres' reports.")),
    ]

    public static let actions: [ActionItem] = [
        action(
            "A-1.1-1", "1.1", "MDD", "2027-12-31", .underway,
            .init(
                ky: "Айылдарга кеңири тилкелүү байланыш тартуу", ru: "Подвести широкополосную связь к сёлам",
                en: "Bring broadband to villages")),
        action(
            "A-1.3-1", "1.3", "MDD", "2027-06-30", .underway,
            .init(
                ky: "Өзгөчө кырдаалдар жөнүндө эскертүү системасы (CAP)",
                ru: "Система оповещения о чрезвычайных ситуациях (CAP)", en: "Emergency alerting system (CAP)")),
        action(
            "A-2.2-1", "2.2", "MDD", "2027-03-31", .planned,
            .init(
                ky: "ЭБнын негизги АКТ көрсөткүчтөрүн аймактар боюнча чогултуу",
                ru: "Собирать базовые показатели ИКТ МСЭ по регионам",
                en: "Collect the ITU core ICT indicators by region")),
        action(
            "A-3.1-1", "3.1", "MDD", "2026-12-31", .underway,
            .init(
                ky: "Негизги мамлекеттик кызматтарды онлайн которуу", ru: "Перевести основные госуслуги в онлайн",
                en: "Move the main public services online")),
        action(
            "A-3.5-1", "3.5", "MDD", "2026-09-30", .done,
            .init(
                ky: "Ачык маалыматтар порталын ишке киргизүү", ru: "Запустить портал открытых данных",
                en: "Launch the open data portal")),
    ]

    private static func computed(
        _ code: String, _ task: String, _ unit: IndicatorUnit, _ baseline: Double, _ target: Double,
        _ title: LocalizedName,
        _ method: LocalizedName
    ) -> Indicator {
        Indicator(
            code: code, task: task, title: title, unit: unit, baseline: baseline, target: target, source: .computed,
            agency: "MDD", method: method)
    }

    private static func entered(
        _ code: String, _ task: String, _ unit: IndicatorUnit, _ baseline: Double, _ target: Double, _ agency: String,
        _ title: LocalizedName, _ method: LocalizedName
    ) -> Indicator {
        Indicator(
            code: code, task: task, title: title, unit: unit, baseline: baseline, target: target, source: .entered,
            agency: agency, method: method)
    }

    private static func action(
        _ id: String, _ task: String, _ agency: String, _ deadline: String, _ status: ActionItem.Status,
        _ title: LocalizedName
    ) -> ActionItem {
        ActionItem(id: id, task: task, title: title, agency: agency, deadline: deadline, status: status)
    }
}
