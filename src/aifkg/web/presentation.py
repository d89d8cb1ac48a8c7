"""How an entity page presents its properties: their order, which ones make the summary box, and values
written for people (thousands separators, units, currencies, month names) in English or German.

One table, `PROPERTY_ORDER`, decides the order of a page's statements: names first, then where the thing is
and who runs it, its systems, its selection and money, what it is about, links to other things, and the
editorial notes last. Properties of our own ontology are named by their local name (the namespace comes
from the settings), reused ones by their full IRI. Pure functions only: no request, no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from aifkg.namespace import PREFIXES

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
ORG = PREFIXES["org"]
SCHEMA = PREFIXES["schema"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
WGS = PREFIXES["wgs"]

# The order of statements on a page: a name without ":" or "/" is a term of our own ontology.
PROPERTY_ORDER: tuple[str, ...] = (
    # what it is called and what it is
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    "acronym",
    DCTERMS + "title",
    RDF + "type",
    "namePeriod",
    "listedName",
    "validFrom",
    "validUntil",
    # where it is
    "hostCountry",
    "participatingCountry",
    "locatedIn",
    "countryCode",
    WGS + "lat",
    WGS + "long",
    # who hosts, runs and takes part
    "hostingEntity",
    "operator",
    "vendor",
    "contractor",
    "leadCountry",
    "bidCountry",
    "bidder",
    ORG + "hasMember",
    ORG + "memberOf",
    # its computers
    "hostSystem",
    "buildsSystem",
    "procures",
    "systemClass",
    "aiOptimised",
    "architecture",
    "acceleratorType",
    "acceleratorCount",
    "hplPerformance",
    "peakPerformance",
    "top500Rank",
    "top500List",
    "top500Entry",
    "top500Edition",
    "editionYear",
    "editionMonth",
    "quantumTechnology",
    "experimentalPlatform",
    # its selection and money
    "selectedIn",
    "respondsTo",
    "announcedOn",
    "eventDate",
    "deadline",
    "expectedSelectionYear",
    "deploymentStart",
    "expectedOperational",
    "fundingAmount",
    "euContribution",
    "fundingCurrency",
    # what it is for
    "focusArea",
    "targetGroup",
    "purpose",
    # links to other factories, antennas and partnerships
    "linkedFactory",
    "servesFactory",
    "cooperatesWith",
    "partner",
    "partnerIn",
    # about documents
    DCTERMS + "publisher",
    DCTERMS + "issued",
    DCTERMS + "language",
    SCHEMA + "url",
    # the concept hierarchy
    SKOS + "broader",
    SKOS + "narrower",
    SKOS + "broaderTransitive",
    SKOS + "narrowerTransitive",
    SKOS + "inScheme",
    SKOS + "topConceptOf",
    # identifiers elsewhere
    SCHEMA + "sameAs",
    OWL + "sameAs",
    RDFS + "seeAlso",
    # explanations
    SKOS + "definition",
    RDFS + "comment",
    RDFS + "isDefinedBy",
    DCTERMS + "source",
    SKOS + "scopeNote",
    SKOS + "note",
    SKOS + "editorialNote",
)
# Shown after every property the table does not name (long texts and provenance close the page).
LAST_FROM = RDFS + "comment"

# The summary box at the top of a page: the properties that say what a thing is at a glance.
SUMMARY: tuple[str, ...] = (
    "acronym",
    "hostCountry",
    "locatedIn",
    "hostingEntity",
    "operator",
    "hostSystem",
    "buildsSystem",
    "linkedFactory",
    "partner",
    "leadCountry",
    "bidCountry",
    "respondsTo",
    "contractor",
    "procures",
    "selectedIn",
    "announcedOn",
    "eventDate",
    "deadline",
    "fundingAmount",
    "euContribution",
    "focusArea",
    "deploymentStart",
    "expectedOperational",
    "systemClass",
    "hplPerformance",
    "top500Rank",
    "acceleratorCount",
    DCTERMS + "publisher",
    DCTERMS + "issued",
)

MONEY = ("fundingAmount", "euContribution")
CURRENCY = "fundingCurrency"
UNITS: dict[str, dict[str, str]] = {
    "hplPerformance": {"en": "PFlop/s", "de": "PFlop/s"},
    "peakPerformance": {"en": "PFlop/s", "de": "PFlop/s"},
    "acceleratorCount": {"en": "accelerators", "de": "Beschleuniger"},
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
}
BOOLEANS = {"en": ("yes", "no"), "de": ("ja", "nein")}
# Integers that are years or months, not quantities: never grouped ("2025", not "2,025").
YEARS = {"editionYear", "deploymentStart", "expectedSelectionYear"}
MONTH_NUMBERS = {"editionMonth"}
NUMERIC = {XSD + name for name in ("decimal", "integer", "double", "float", "int", "long", "nonNegativeInteger")}


def term_key(iri: str, ontology_namespace: str) -> str:
    """The key of `iri` in the tables above: a local name for our own terms, else the IRI."""
    return iri[len(ontology_namespace) :] if iri.startswith(ontology_namespace) else iri


def order_key(iri: str, label: str, ontology_namespace: str) -> tuple[int, str, str]:
    """Sort key of a property: its place in PROPERTY_ORDER; unknown ones after the known facts, by label,
    and before the explanations and notes."""
    key = term_key(iri, ontology_namespace)
    try:
        position = PROPERTY_ORDER.index(key)
    except ValueError:
        return (PROPERTY_ORDER.index(LAST_FROM), label.lower(), iri)
    return (position if position < PROPERTY_ORDER.index(LAST_FROM) else position + 1, "", iri)


def group_number(digits: str, separator: str) -> str:
    head = digits.lstrip("-")
    sign = "-" if digits.startswith("-") else ""
    groups: list[str] = []
    while len(head) > 3:
        groups.insert(0, head[-3:])
        head = head[:-3]
    return sign + separator.join([head, *groups])


def format_number(lexical: str, language: str) -> str | None:
    """'65000000' -> '65,000,000' (English) or '65.000.000' (German); '1000.0' -> '1,000'; None if no number."""
    try:
        number = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    text = format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    thousands, point = (".", ",") if language == "de" else (",", ".")
    grouped = group_number(whole, thousands)
    return f"{grouped}{point}{fraction}" if fraction else grouped


def format_result_number(lexical: str, datatype: str, language: str) -> str:
    """A number in a query's result table as people read it: the reader's decimal mark, and thousands
    grouped from five digits on (a year or a four-digit count stays "2025"); anything else unchanged."""
    if datatype not in NUMERIC:
        return lexical
    formatted = format_number(lexical, language)
    if formatted is None:
        return lexical
    whole = formatted.split("," if language == "de" else ".")[0]
    if len(whole.lstrip("-")) == 5:  # four digits and one separator: "2.025" / "2,025"
        return formatted.replace(whole, whole.replace("." if language == "de" else ",", ""), 1)
    return formatted


def format_money(lexical: str, currency: str, language: str) -> str | None:
    """'EUR 65,000,000' in English, '65.000.000 EUR' in German; the bare number when no currency is known."""
    amount = format_number(lexical, language)
    if amount is None:
        return None
    if not currency:
        return amount
    return f"{amount} {currency}" if language == "de" else f"{currency} {amount}"


def format_date(lexical: str, datatype: str, language: str) -> str | None:
    """Dates and months with the month's name: '10 October 2025', '10. Oktober 2025', 'November 2025'; a
    date-time as its day, with the time of day unless it is midnight."""
    months = MONTHS.get(language, MONTHS["en"])
    if datatype == XSD + "dateTime":
        date_part, _, time_part = lexical.partition("T")
        shown = format_date(date_part, XSD + "date", language)
        clock = time_part[:5]
        if shown is None or not clock:
            return None
        return shown if time_part.startswith("00:00:00") else f"{shown}, {clock}"
    parts = lexical.split("-")
    try:
        if datatype == XSD + "gYearMonth" and len(parts) == 2:
            return f"{months[int(parts[1]) - 1]} {int(parts[0])}"
        if datatype == XSD + "date" and len(parts) == 3:
            year, month, day = int(parts[0]), int(parts[1]), int(parts[2][:2])
            if language == "de":
                return f"{day}. {months[month - 1]} {year}"
            return f"{day} {months[month - 1]} {year}"
    except (ValueError, IndexError):
        return None
    return None


@dataclass(frozen=True)
class Shown:
    """A literal as a page shows it: the text, and the kind of value for the small tag beside it."""

    text: str
    tag: str = ""


def show_literal(prop_key: str, lexical: str, datatype: str, language: str, currency: str = "") -> Shown:
    """The literal `lexical` of property `prop_key` (a term_key) for a reader of `language`."""
    if prop_key in MONEY:
        money = format_money(lexical, currency, language)
        if money is not None:
            return Shown(money)
    if prop_key in YEARS and datatype in NUMERIC:
        return Shown(lexical.strip())
    if prop_key in MONTH_NUMBERS and lexical.strip().isdigit() and 1 <= int(lexical) <= 12:
        return Shown(MONTHS.get(language, MONTHS["en"])[int(lexical) - 1])
    if datatype in NUMERIC:
        number = format_number(lexical, language)
        if number is not None:
            unit = UNITS.get(prop_key, {}).get(language, "")
            return Shown(f"{number} {unit}" if unit else number)
    if datatype in (XSD + "gYearMonth", XSD + "date", XSD + "dateTime"):
        date = format_date(lexical, datatype, language)
        if date is not None:
            return Shown(date)
    if datatype == XSD + "boolean":
        yes, no = BOOLEANS.get(language, BOOLEANS["en"])
        return Shown(yes if lexical.strip() in ("true", "1") else no)
    if datatype in ("", XSD + "string", XSD + "gYear", RDF + "langString"):
        return Shown(lexical)
    return Shown(lexical, datatype.rsplit("#", 1)[-1])
