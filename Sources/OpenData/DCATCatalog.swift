import Core
import Foundation

/// The portal's catalog in DCAT-AP 3: the catalog, its datasets with their distributions, the
/// publishers, and paging in Hydra's terms (as DCAT-AP advises for large catalogs).
public struct DCATCatalog: Sendable {
    /// Scheme and host of the portal; every IRI starts with it.
    public let base: String

    public init(base: String) { self.base = base }

    static let themes = "http://publications.europa.eu/resource/authority/data-theme/"
    static let frequencies = "http://publications.europa.eu/resource/authority/frequency/"
    static let fileTypes = "http://publications.europa.eu/resource/authority/file-type/"
    static let dateTime = "http://www.w3.org/2001/XMLSchema#dateTime"

    public func catalogIRI() -> String { base + "/catalog" }
    public func datasetIRI(_ dataset: Dataset) -> String { base + "/datasets/" + dataset.name }

    /// One page of the catalog: `datasets` of `total`, page `page` of `pageSize`.
    public func catalog(
        _ datasets: [Dataset], organizations: [DataOrganization], page: Int, pageSize: Int, total: Int, pagePath: String
    ) -> RDFGraph {
        var graph = RDFGraph()
        let catalog = RDFGraph.Term.iri(catalogIRI())
        graph.add(catalog, "rdf:type", .iri(RDFGraph.expand("dcat:Catalog")))
        graph.add(
            catalog, "dct:title",
            TranslatedText([
                "en": "Taza Koom open data", "ru": "Открытые данные «Таза Коом»", "ky": "Таза Коом ачык маалыматтары",
            ]))
        graph.add(
            catalog, "dct:description",
            TranslatedText([
                "en": "Open data of the state bodies of the Kyrgyz Republic",
                "ru": "Открытые данные государственных органов Кыргызской Республики",
                "ky": "Кыргыз Республикасынын мамлекеттик органдарынын ачык маалыматтары",
            ]))
        graph.add(catalog, "dct:publisher", .iri(base + "/"))
        graph.add(.iri(base + "/"), "rdf:type", .iri(RDFGraph.expand("foaf:Agent")))
        graph.add(.iri(base + "/"), "foaf:name", .literal("Taza Koom"))
        graph.add(catalog, "foaf:homepage", .iri(base + "/datasets"))
        let view = RDFGraph.Term.iri(base + pagePath + "?page=\(page)")
        graph.add(view, "rdf:type", .iri(RDFGraph.expand("hydra:PartialCollectionView")))
        graph.add(view, "hydra:first", .iri(base + pagePath + "?page=1"))
        let last = max(1, (total + pageSize - 1) / pageSize)
        graph.add(view, "hydra:last", .iri(base + pagePath + "?page=\(last)"))
        if page > 1 { graph.add(view, "hydra:previous", .iri(base + pagePath + "?page=\(page - 1)")) }
        if page < last { graph.add(view, "hydra:next", .iri(base + pagePath + "?page=\(page + 1)")) }
        graph.add(
            view, "hydra:totalItems", .literal(String(total), datatype: RDFGraph.expand("xsd:nonNegativeInteger")))
        let names = Dictionary(organizations.map { ($0.name, $0) }) { a, _ in a }
        for dataset in datasets {
            graph.add(catalog, "dcat:dataset", .iri(datasetIRI(dataset)))
            describe(dataset, organization: names[dataset.organization], into: &graph)
        }
        return graph
    }

    /// One dataset alone.
    public func dataset(_ dataset: Dataset, organization: DataOrganization?) -> RDFGraph {
        var graph = RDFGraph()
        describe(dataset, organization: organization, into: &graph)
        return graph
    }

    func describe(_ dataset: Dataset, organization: DataOrganization?, into graph: inout RDFGraph) {
        let subject = RDFGraph.Term.iri(datasetIRI(dataset))
        graph.add(subject, "rdf:type", .iri(RDFGraph.expand("dcat:Dataset")))
        graph.add(subject, "dct:identifier", .literal(dataset.id))
        graph.add(subject, "dct:title", dataset.title)
        // DCAT-AP requires a description: the title stands in when the publisher gave none.
        graph.add(subject, "dct:description", dataset.notes.values.isEmpty ? dataset.title : dataset.notes)
        graph.add(
            subject, "dct:issued", .literal(CalendarDate.utcTimestamp(dataset.createdAt), datatype: Self.dateTime))
        graph.add(
            subject, "dct:modified", .literal(CalendarDate.utcTimestamp(dataset.modifiedAt), datatype: Self.dateTime))
        graph.add(subject, "dcat:version", .literal(String(dataset.version)))
        graph.add(subject, "dcat:landingPage", .iri(datasetIRI(dataset)))
        for tag in dataset.tags { graph.add(subject, "dcat:keyword", .literal(tag)) }
        for theme in dataset.themes { graph.add(subject, "dcat:theme", .iri(Self.themes + theme)) }
        if !dataset.frequency.isEmpty {
            graph.add(subject, "dct:accrualPeriodicity", .iri(Self.frequencies + dataset.frequency))
        }
        let publisher = RDFGraph.Term.iri(base + "/organizations/" + dataset.organization)
        graph.add(subject, "dct:publisher", publisher)
        graph.add(publisher, "rdf:type", .iri(RDFGraph.expand("foaf:Agent")))
        graph.add(publisher, "foaf:name", organization?.title ?? TranslatedText(["en": dataset.organization]))
        if !dataset.maintainerEmail.isEmpty {
            let contact = RDFGraph.Term.blank("contact-" + dataset.id)
            graph.add(subject, "dcat:contactPoint", contact)
            graph.add(contact, "rdf:type", .iri(RDFGraph.expand("vcard:Kind")))
            graph.add(contact, "vcard:hasEmail", .iri("mailto:" + dataset.maintainerEmail))
        }
        let license = DataLicense.named(dataset.licenseID)
        for resource in dataset.resources {
            let distribution = RDFGraph.Term.iri(base + "/resources/" + resource.id)
            graph.add(subject, "dcat:distribution", distribution)
            graph.add(distribution, "rdf:type", .iri(RDFGraph.expand("dcat:Distribution")))
            graph.add(distribution, "dct:title", resource.name)
            if !resource.description.values.isEmpty { graph.add(distribution, "dct:description", resource.description) }
            graph.add(
                distribution, "dct:modified",
                .literal(CalendarDate.utcTimestamp(resource.modifiedAt), datatype: Self.dateTime))
            if let license { graph.add(distribution, "dct:license", .iri(license.url)) }
            if !resource.format.isEmpty {
                graph.add(distribution, "dct:format", .iri(Self.fileTypes + resource.format.uppercased()))
            }
            if resource.datastore != nil {
                let download = base + "/resources/" + resource.id + "/data.csv"
                graph.add(distribution, "dcat:accessURL", .iri(datasetIRI(dataset)))
                graph.add(distribution, "dcat:downloadURL", .iri(download))
                graph.add(distribution, "dcat:mediaType", .iri("http://www.iana.org/assignments/media-types/text/csv"))
            } else {
                graph.add(distribution, "dcat:accessURL", .iri(resource.url))
            }
        }
    }
}
