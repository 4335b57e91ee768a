/// The regions of Kyrgyzstan (seven oblasts and the cities of Bishkek and Osh) with their districts.
/// Real geography; used as reference data by the demo and by a fresh installation alike.
enum DemoPlaces {
    /// (code, kind, ky, ru, en, districts as (code, ky, ru, en))
    static let regions: [(String, String, String, String, String, [(String, String, String, String)])] = [
        (
            "BTK", "oblast", "Баткен облусу", "Баткенская область", "Batken Region",
            [
                ("BTK-BAT", "Баткен району", "Баткенский район", "Batken District"),
                ("BTK-KAD", "Кадамжай району", "Кадамжайский район", "Kadamjay District"),
                ("BTK-LEI", "Лейлек району", "Лейлекский район", "Leilek District"),
            ]
        ),
        (
            "CHU", "oblast", "Чүй облусу", "Чуйская область", "Chuy Region",
            [
                ("CHU-ALA", "Аламүдүн району", "Аламудунский район", "Alamudun District"),
                ("CHU-CHU", "Чүй району", "Чуйский район", "Chuy District"),
                ("CHU-JAI", "Жайыл району", "Жайылский район", "Jayil District"),
                ("CHU-KEM", "Кемин району", "Кеминский район", "Kemin District"),
                ("CHU-MOS", "Москва району", "Московский район", "Moskva District"),
                ("CHU-PAN", "Панфилов району", "Панфиловский район", "Panfilov District"),
                ("CHU-SOK", "Сокулук району", "Сокулукский район", "Sokuluk District"),
                ("CHU-YSA", "Ысык-Ата району", "Ысык-Атинский район", "Ysyk-Ata District"),
            ]
        ),
        (
            "ISK", "oblast", "Ысык-Көл облусу", "Иссык-Кульская область", "Issyk-Kul Region",
            [
                ("ISK-AKS", "Ак-Суу району", "Ак-Суйский район", "Ak-Suu District"),
                ("ISK-ISK", "Ысык-Көл району", "Иссык-Кульский район", "Issyk-Kul District"),
                ("ISK-JOG", "Жети-Өгүз району", "Джети-Огузский район", "Jeti-Oguz District"),
                ("ISK-TON", "Тоң району", "Тонский район", "Ton District"),
                ("ISK-TUP", "Түп району", "Тюпский район", "Tup District"),
            ]
        ),
        (
            "JAL", "oblast", "Жалал-Абад облусу", "Джалал-Абадская область", "Jalal-Abad Region",
            [
                ("JAL-AKS", "Аксы району", "Аксыйский район", "Aksy District"),
                ("JAL-ALB", "Ала-Бука району", "Ала-Букинский район", "Ala-Buka District"),
                ("JAL-BAZ", "Базар-Коргон району", "Базар-Коргонский район", "Bazar-Korgon District"),
                ("JAL-CHA", "Чаткал району", "Чаткальский район", "Chatkal District"),
                ("JAL-NOO", "Ноокен району", "Ноокенский район", "Nooken District"),
                ("JAL-SUZ", "Сузак району", "Сузакский район", "Suzak District"),
                ("JAL-TGT", "Тогуз-Торо району", "Тогуз-Тороузский район", "Toguz-Toro District"),
                ("JAL-TOK", "Токтогул району", "Токтогульский район", "Toktogul District"),
            ]
        ),
        (
            "NAR", "oblast", "Нарын облусу", "Нарынская область", "Naryn Region",
            [
                ("NAR-AKT", "Ак-Талаа району", "Ак-Талинский район", "Ak-Talaa District"),
                ("NAR-ATB", "Ат-Башы району", "Ат-Башинский район", "At-Bashy District"),
                ("NAR-JUM", "Жумгал району", "Джумгальский район", "Jumgal District"),
                ("NAR-KOC", "Кочкор району", "Кочкорский район", "Kochkor District"),
                ("NAR-NAR", "Нарын району", "Нарынский район", "Naryn District"),
            ]
        ),
        (
            "OSH", "oblast", "Ош облусу", "Ошская область", "Osh Region",
            [
                ("OSH-ALA", "Алай району", "Алайский район", "Alay District"),
                ("OSH-ARA", "Араван району", "Араванский район", "Aravan District"),
                ("OSH-CHA", "Чоң-Алай району", "Чон-Алайский район", "Chong-Alay District"),
                ("OSH-KKU", "Кара-Кулжа району", "Кара-Кульджинский район", "Kara-Kulja District"),
                ("OSH-KSU", "Кара-Суу району", "Карасуйский район", "Kara-Suu District"),
                ("OSH-NOO", "Ноокат району", "Ноокатский район", "Nookat District"),
                ("OSH-UZG", "Өзгөн району", "Узгенский район", "Uzgen District"),
            ]
        ),
        (
            "TAL", "oblast", "Талас облусу", "Таласская область", "Talas Region",
            [
                ("TAL-BAK", "Бакай-Ата району", "Бакай-Атинский район", "Bakay-Ata District"),
                ("TAL-KAB", "Кара-Буура району", "Кара-Бууринский район", "Kara-Buura District"),
                ("TAL-MAN", "Манас району", "Манасский район", "Manas District"),
                ("TAL-TAL", "Талас району", "Таласский район", "Talas District"),
            ]
        ),
        (
            "BIS", "city", "Бишкек шаары", "город Бишкек", "Bishkek City",
            [
                ("BIS-LEN", "Ленин району", "Ленинский район", "Leninsky District"),
                ("BIS-OKT", "Октябрь району", "Октябрьский район", "Oktyabrsky District"),
                ("BIS-PER", "Биринчи Май району", "Первомайский район", "Pervomaisky District"),
                ("BIS-SVE", "Свердлов району", "Свердловский район", "Sverdlovsky District"),
            ]
        ),
        (
            "OSC", "city", "Ош шаары", "город Ош", "Osh City",
            [
                ("OSC-OSH", "Ош шаары", "город Ош", "Osh City")
            ]
        ),
    ]

    /// (code, branch, ky, ru, en, region)
    static let agencies: [(String, Agency.Branch, String, String, String, String?)] = [
        (
            "MDD", .executive, "Санариптик өнүктүрүү министрлиги", "Министерство цифрового развития",
            "Ministry of Digital Development", nil
        ),
        ("MOJ", .executive, "Юстиция министрлиги", "Министерство юстиции", "Ministry of Justice", nil),
        ("MOH", .executive, "Саламаттык сактоо министрлиги", "Министерство здравоохранения", "Ministry of Health", nil),
        (
            "MOES", .executive, "Билим берүү жана илим министрлиги", "Министерство образования и науки",
            "Ministry of Education and Science", nil
        ),
        (
            "MOA", .executive, "Айыл чарба министрлиги", "Министерство сельского хозяйства", "Ministry of Agriculture",
            nil
        ),
        (
            "MLSS", .executive, "Эмгек жана социалдык камсыздоо министрлиги",
            "Министерство труда и социального обеспечения", "Ministry of Labour and Social Security", nil
        ),
        ("STS", .executive, "Мамлекеттик салык кызматы", "Государственная налоговая служба", "State Tax Service", nil),
        (
            "SRS", .executive, "Мамлекеттик каттоо кызматы", "Государственная регистрационная служба",
            "State Registration Service", nil
        ),
        ("JK", .legislative, "Жогорку Кеңеш", "Жогорку Кенеш", "Jogorku Kenesh (Parliament)", nil),
        ("SC", .judicial, "Жогорку сот", "Верховный суд", "Supreme Court", nil),
        ("BCH", .local, "Бишкек шаарынын мэриясы", "Мэрия города Бишкек", "Bishkek City Hall", "BIS"),
        ("OCH", .local, "Ош шаарынын мэриясы", "Мэрия города Ош", "Osh City Hall", "OSC"),
    ]
}
