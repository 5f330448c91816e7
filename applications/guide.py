"""What the home page tells an SME to prepare before filing, taken from the filing itself.

Each item is a field of the company form or of the application form (its label and help text
as the form shows them), the documents the SME may attach (`DocumentKind`, with the accepted
formats and size) and the sponsor chosen when sending. What the form lets a draft leave empty
but sending requires (`services.missing_for_submission`: the project's maturity, a description)
is marked needed here, as it is when sending; what stays optional is said to be.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from companies.forms import CompanyForm

from .enums import DocumentKind
from .forms import ApplicationForm

# The company form's fields in the order a visitor reads them; all are needed but the website.
COMPANY_FIELDS = (
    "legal_name",
    "siren",
    "sector",
    "headcount",
    "turnover",
    "region",
    "department",
    "export_experience",
    "website",
)
# The application's fields needed to send it (the form's required ones, and what
# `services.missing_for_submission` asks for), then the optional city.
APPLICATION_FIELDS = ("target_country", "support_kinds", "maturity", "description", "target_city")
# Asked only of an SME that wants hosting (`ApplicationForm.clean`: the number of desks).
HOSTING_FIELDS = ("hosting_desks", "hosting_vie_count", "hosting_start_date", "hosting_budget")
OPTIONAL = frozenset({"website", "target_city"})


@dataclass(frozen=True)
class Item:
    label: str
    note: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Group:
    key: str  # for the page's test ids
    title: str
    items: list[Item]
    note: str = ""
    extra: list[str] = field(default_factory=list)  # a last line: labels run together


def _label(form, name: str) -> str:
    label = str(form.base_fields[name].label)
    if name in OPTIONAL:
        # The city's label says "(facultatif)" already: the page says it once, its own way.
        label = label.split(" (")[0]
    return capfirst(label)


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "nombre de postes de travail", but "VIE" kept."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _item(form, name: str) -> Item:
    return Item(
        label=_label(form, name),
        note=str(form.base_fields[name].help_text),
        optional=name in OPTIONAL,
    )


def what_to_prepare() -> list[Group]:
    """The company, the project, the documents and the sponsor, in the current language."""
    documents = [
        capfirst(str(label)) for kind, label in DocumentKind.choices if kind != DocumentKind.OTHER
    ]
    return [
        Group(
            key="company",
            title=_("Votre entreprise"),
            items=[_item(CompanyForm, name) for name in COMPANY_FIELDS],
        ),
        Group(
            key="project",
            title=_("Votre projet dans un pays"),
            items=[_item(ApplicationForm, name) for name in APPLICATION_FIELDS],
            note=_("Si vous demandez un hébergement :"),
            extra=[_in_sentence(_label(ApplicationForm, name)) for name in HOSTING_FIELDS],
        ),
        Group(
            key="documents",
            title=_("Des documents, si vous en avez"),
            items=[Item(label=label, optional=True) for label in documents],
            # The formats as the upload form says them (`DocumentForm`).
            note=" ".join(
                (
                    _("Facultatifs : vous pouvez les joindre tant que la demande est ouverte."),
                    _("PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS ; %(limit)s Mo au plus.")
                    % {"limit": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)},
                )
            ),
        ),
        Group(
            key="sponsor",
            title=_("Votre parrain"),
            items=[
                Item(
                    label=_("Votre CCI ou le comité local des CCE"),
                    note=_("Vous le choisissez dans la liste au moment d'envoyer la demande."),
                )
            ],
        ),
    ]
