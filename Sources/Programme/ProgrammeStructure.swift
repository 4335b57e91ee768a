import Core
import Identity

/// One strategic task of the programme (`1`) or one of its subtasks (`1.3`).
public struct ProgrammeTask: Sendable, Equatable {
    public var code: String
    public var title: LocalizedName
    public var subtasks: [ProgrammeTask]
}

/// The Taza Koom programme as the Government adopted it (`../shared/seed/`): its purposes, four
/// strategic tasks with their subtasks, and seven principles. The programme names seven purposes
/// and lists six; this keeps the six it lists rather than invent one.
public enum ProgrammeStructure {
    public static let purposes: [LocalizedName] = [
        .init(
            ky: "Жашыл технологияларга негизделген дүйнөлүк деңгээлдеги санариптик инфраструктура",
            ru: "Цифровая инфраструктура мирового класса на основе «зелёных» технологий",
            en: "World-class digital infrastructure built on green technologies and clean energy"),
        .init(
            ky: "Туруктуу инновациялык өнүгүүгө жагымдуу чөйрө (саясат, укуктук негиз, институттар)",
            ru: "Благоприятная среда для устойчивого инновационного развития (политика, правовая база, институты)",
            en: "An environment for sustainable innovative development (policy, law, institutions)"),
        .init(
            ky: "Баарына санариптик мүмкүнчүлүктөр, санариптик экономика үчүн көндүмдөр",
            ru: "Цифровые возможности для всех, цифровые навыки для цифровой экономики",
            en: "Digital opportunities for all, digital skills for the digital economy"),
        .init(
            ky: "Ар бир кыргызстандык санариптик жаран болот: мамлекетти башкарууга катышат",
            ru: "Каждый кыргызстанец — цифровой гражданин, участвующий в управлении страной",
            en: "Every Kyrgyzstani a digital citizen who takes part in government"),
        .init(
            ky: "Кыргызстан онлайн жашоо жана иштөө үчүн коопсуз жер (технологиялар, маалыматтар, тармактар)",
            ru: "Кыргызстан — безопасное место для жизни и работы онлайн (технологии, данные, сети)",
            en: "Kyrgyzstan a safe place to live and work online (technologies, data, networks)"),
        .init(
            ky: "Кыргызстан санариптик Жибек жолунун аймактык борбору",
            ru: "Кыргызстан — региональный хаб цифрового Шёлкового пути",
            en: "Kyrgyzstan a regional hub of the digital Silk Road"),
    ]

    public static let tasks: [ProgrammeTask] = [
        task(
            "1", "Заманбап, коопсуз, жеткиликтүү санариптик инфраструктура жана АКТга ишеним",
            "Современная, безопасная и доступная цифровая инфраструктура и доверие к ИКТ",
            "Modern, safe, affordable digital infrastructure and trust in ICT",
            [
                task(
                    "1.1", "Санариптик АКТ инфраструктурасы жана кеңири тилкелүү байланыш",
                    "Цифровая ИКТ-инфраструктура и широкополосная связь",
                    "Digital ICT infrastructure and broadband for everyone"),
                task(
                    "1.2", "Киберкоопсуздук жана АКТга ишеним", "Кибербезопасность и доверие к ИКТ",
                    "Cybersecurity and trust in ICT"),
                task(
                    "1.3", "Кырсыктардын коркунучун азайтуу жана өзгөчө кырдаалдарда АКТ",
                    "Снижение риска бедствий и ИКТ в чрезвычайных ситуациях",
                    "Disaster risk reduction and ICT in emergencies"),
            ]),
        task(
            "2", "АКТ экосистемасындагы жагымдуу чөйрө: мыйзамдар, статистика, потенциал",
            "Благоприятная среда в ИКТ-экосистеме: законодательство, статистика, потенциал",
            "A favourable ICT ecosystem: law, statistics, capacity",
            [
                task(
                    "2.1", "АКТны өнүктүрүүгө жагымдуу саясат жана укуктук негиз",
                    "Благоприятная политика и правовая база для ИКТ", "Policy and law that favour ICT development"),
                task(
                    "2.2", "Эл аралык деңгээлде салыштырылуучу АКТ статистикасы",
                    "Сопоставимая на международном уровне статистика ИКТ", "ICT statistics comparable internationally"),
                task(
                    "2.3", "Адамдык жана институционалдык потенциал, маалымдуулук",
                    "Человеческий и институциональный потенциал, осведомлённость",
                    "Human and institutional capacity and awareness"),
            ]),
        task(
            "3", "Ачык санариптик коом: санариптик кызматтар жана ачык маалыматтар",
            "Открытое цифровое общество: цифровые услуги и открытые данные",
            "An open digital society: digital services and open data",
            [
                task(
                    "3.1", "Жарандар жана бизнес үчүн санариптик мамлекеттик кызматтар",
                    "Цифровые государственные услуги для граждан и бизнеса",
                    "Digital public services for citizens and business"),
                task(
                    "3.2", "Социалдык чөйрөдөгү санариптик кызматтар (саламаттык, билим)",
                    "Цифровые услуги в социальной сфере (здравоохранение, образование)",
                    "Digital services in health and education"),
                task(
                    "3.3", "Санариптик соода, финансы, айыл чарба", "Цифровая торговля, финансы, сельское хозяйство",
                    "Digital commerce, finance and agriculture"),
                task(
                    "3.4", "Мейкиндик маалыматтарынын улуттук инфраструктурасы",
                    "Национальная инфраструктура пространственных данных", "National spatial data infrastructure"),
                task("3.5", "Улуттук санариптик мазмун", "Национальный цифровой контент", "National digital content"),
                task(
                    "3.6", "Өзгөчө муктаждыктары бар адамдар үчүн санариптик технологиялар",
                    "Цифровые технологии для людей с особыми потребностями",
                    "Digital technologies for people with special needs"),
                task(
                    "3.7", "Климаттын өзгөрүшүнө ыңгайлашуу жана айлана-чөйрөнү коргоо",
                    "Адаптация к изменению климата и охрана окружающей среды",
                    "Climate adaptation and protection of the environment"),
            ]),
        task(
            "4", "АКТга багытталган инновациялар жана өнөктөштүк", "ИКТ-ориентированные инновации и партнёрство",
            "ICT-driven innovation and partnership",
            [
                task(
                    "4.1", "АКТ аркылуу инновациялар жана өнөктөштүк үчүн потенциал",
                    "Потенциал для инноваций и партнёрства с помощью ИКТ",
                    "Capacity for innovation and partnership through ICT"),
                task(
                    "4.2", "АКТ инновацияларында мамлекеттик-жеке өнөктөштүк",
                    "Государственно-частное партнёрство в ИКТ-инновациях",
                    "Public-private partnership in ICT innovation"),
                task(
                    "4.3", "Жаңы бизнес моделдер: стартаптар, инкубаторлор, венчурдук каржылоо",
                    "Новые бизнес-модели: стартапы, инкубаторы, венчурное финансирование",
                    "New business models: start-ups, incubators, venture funding"),
                task(
                    "4.4", "Бардык катышуучулар менен өнөктөштүк", "Партнёрство со всеми заинтересованными сторонами",
                    "Partnership with everyone concerned"),
            ]),
    ]

    public static let principles: [LocalizedName] = [
        .init(
            ky: "Инновациялар, изилдөөлөр, илим", ru: "Инновации, исследования, наука",
            en: "Innovation, research, science"),
        .init(ky: "Өнөктөштүк", ru: "Партнёрство", en: "Partnership"),
        .init(ky: "Көндүмдөр", ru: "Навыки", en: "Skills"),
        .init(ky: "Бардык жерде жеткиликтүүлүк", ru: "Повсеместность", en: "Ubiquity"),
        .init(ky: "Ачыктык", ru: "Открытость", en: "Openness"),
        .init(
            ky: "Жеткиликтүү энергия жана таза өсүш", ru: "Доступная энергия и «чистый» рост",
            en: "Affordable energy and clean growth"),
        .init(
            ky: "Жагымдуу инвестициялык чөйрө", ru: "Благоприятная инвестиционная среда",
            en: "A favourable climate for investment"),
    ]

    /// Every task and subtask code (`1`, `1.1`, …).
    public static let taskCodes: Set<String> = Set(tasks.flatMap { [$0.code] + $0.subtasks.map(\.code) })

    private static func task(_ code: String, _ ky: String, _ ru: String, _ en: String, _ subtasks: [ProgrammeTask] = [])
        -> ProgrammeTask
    {
        ProgrammeTask(code: code, title: LocalizedName(ky: ky, ru: ru, en: en), subtasks: subtasks)
    }
}
