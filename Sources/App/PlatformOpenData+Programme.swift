import Core
import OpenData
import Programme

/// The programme's open data: every indicator's figures by period (computed ones once their month
/// has ended), and the ITU core ICT indicators by region and year. The dashboard links each figure to one of these datasets.
extension PlatformOpenData {
    /// The datasets the dashboard links to.
    public static let indicatorsDataset = "programme-indicators"
    public static let ictDataset = "ict-statistics"

    func programmeTables(_ programme: ProgrammeService) async throws -> [PublishedTable] {
        let overview = try await programme.overview()
        var rows: [[String]] = []
        // A computed figure goes out once its month has ended: the current month's changes with
        // every entry (the ledger grows with each publication), and would make every run a new version.
        let open = programme.currentPeriod
        for indicator in overview.indicators {
            for m in overview.measurements[indicator.code] ?? []
            where !(indicator.source == .computed && m.period == open) {
                rows.append([
                    indicator.code, indicator.task, indicator.title.en, indicator.unit.rawValue,
                    Self.figure(indicator.baseline),
                    Self.figure(indicator.target), indicator.source.rawValue, m.period, Self.figure(m.value),
                    m.evidence,
                ])
            }
        }
        let titles = Dictionary(uniqueKeysWithValues: ICTIndicator.all.map { ($0.code, $0) })
        let ict = overview.ict.map {
            [
                $0.indicator, titles[$0.indicator]?.title.en ?? "", titles[$0.indicator]?.unit.rawValue ?? "",
                $0.region,
                String($0.year), Self.figure($0.value),
            ]
        }
        return [
            PublishedTable(
                name: Self.indicatorsDataset,
                title: TranslatedText([
                    "en": "Taza Koom programme: indicators", "ru": "Программа «Таза Коом»: показатели",
                    "ky": "«Таза Коом» программасы: көрсөткүчтөр",
                ]),
                notes: TranslatedText([
                    "en":
                        "Each indicator of the programme's action plan with its task, unit, baseline and target, and its figure for each period. Computed figures come from the platform's own records (source `computed`) and are published once their month has ended; entered ones were entered by the responsible agency with the evidence given.",
                    "ru":
                        "Каждый показатель плана действий программы: задача, единица, базовое и целевое значение и значение за каждый период. Вычисляемые значения берутся из записей платформы; вносимые вносит ответственное ведомство с указанием подтверждения.",
                    "ky":
                        "Программанын иш-аракеттер планынын ар бир көрсөткүчү: милдети, бирдиги, баштапкы жана максаттуу маанилери жана ар бир мезгилдеги мааниси. Эсептелген маанилер платформанын жазууларынан алынат; киргизилгендерин жооптуу мекеме далили менен киргизет.",
                ]),
                themes: ["GOVE"], tags: ["programme", "indicators"], frequency: "MONTHLY",
                columns: [
                    .init(name: "indicator", type: .string), .init(name: "task", type: .string),
                    .init(name: "title", type: .string), .init(name: "unit", type: .string),
                    .init(name: "baseline", type: .number), .init(name: "target", type: .number),
                    .init(name: "source", type: .string), .init(name: "period", type: .string),
                    .init(name: "value", type: .number), .init(name: "evidence", type: .string),
                ],
                rows: rows),
            PublishedTable(
                name: Self.ictDataset,
                title: TranslatedText([
                    "en": "ICT statistics by region (ITU core indicators)",
                    "ru": "Статистика ИКТ по регионам (базовые показатели МСЭ)",
                    "ky": "Аймактар боюнча АКТ статистикасы (ЭБнын негизги көрсөткүчтөрү)",
                ]),
                notes: TranslatedText([
                    "en":
                        "ITU core ICT indicators (codes as in the ITU manuals: HH6, HH7, HH18, i271mw, i4213tfbb) by region and year, as imported by the responsible agency.",
                    "ru":
                        "Базовые показатели ИКТ МСЭ (коды по руководствам МСЭ) по регионам и годам, как их загрузило ответственное ведомство.",
                    "ky":
                        "ЭБнын негизги АКТ көрсөткүчтөрү (ЭБнын колдонмолорундагы коддор) аймактар жана жылдар боюнча, жооптуу мекеме жүктөгөндөй.",
                ]),
                themes: ["GOVE", "TECH", "REGI"], tags: ["ict", "statistics", "itu"], frequency: "ANNUAL",
                columns: [
                    .init(name: "indicator", type: .string), .init(name: "title", type: .string),
                    .init(name: "unit", type: .string), .init(name: "region", type: .string),
                    .init(name: "year", type: .integer), .init(name: "value", type: .number),
                ],
                rows: ict),
        ]
    }

    /// A figure as open data writes it: whole numbers without a fraction, others to three places.
    static func figure(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.3f", value)
    }
}
