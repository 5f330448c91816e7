"""The SIREN number (9 digits with a Luhn check digit): its one normal form, as stored and
searched, and its validation, with messages that speak of digits."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siren, siret
from stdnum.util import clean

# Longer than any way of writing a SIRET (14 digits, with spaces or dots): beyond it, no need
# to look closer.
TYPED_MAX_LENGTH = 64

SIREN_LENGTH = _("Un numéro SIREN comporte exactement 9 chiffres.")


def normalize_siren(value: str) -> str:
    """The compact ASCII form of a SIREN (or SIRET) as typed or pasted, not yet validated.

    Full-width and other compatibility digits become ASCII (NFKC); blanks anywhere (a pasted
    tab or no-break space too), dots and dashes go: "  ９８２ ３８０-５７８ " gives "982380578".
    Digits of other scripts stay as they are, and are refused by the validation.
    """
    value = unicodedata.normalize("NFKC", str(value))
    value = "".join(value.split())
    # `clean` also turns the many Unicode dashes into "-"; siren.compact drops spaces and dots.
    return siren.compact(clean(value, "-"))


def _spaced(number: str) -> str:
    """A SIREN written as on a Kbis extract: 982 380 578."""
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def validate_siren(value: str) -> None:
    if len(str(value)) > TYPED_MAX_LENGTH:
        raise ValidationError(SIREN_LENGTH, code="siren_length")
    number = normalize_siren(value)
    if len(number) == 14 and siret.is_valid(number) and number[:9].strip("0"):
        # A SIRET identifies one establishment; its first nine digits, the company. The person
        # is told rather than the number cut, so that they see what will be stored.
        raise ValidationError(
            _(
                "Un SIRET compte 14 chiffres ; le SIREN en est les 9 premiers : %(siren)s. "
                "Saisissez ces 9 chiffres."
            ),
            code="siren_is_siret",
            params={"siren": _spaced(number[:9])},
        )
    try:
        siren.validate(number)
    except InvalidLength as error:
        raise ValidationError(SIREN_LENGTH, code="siren_length") from error
    except InvalidFormat as error:
        raise ValidationError(
            _("Un numéro SIREN ne contient que des chiffres."), code="siren_format"
        ) from error
    except InvalidChecksum as error:
        raise ValidationError(
            _(
                "Ce numéro SIREN n'existe pas : sa clé de contrôle est fausse. Vérifiez-le sur "
                "votre extrait Kbis."
            ),
            code="siren_checksum",
        ) from error
    if not number.strip("0"):  # its check digit is right, but INSEE gives it to no one
        raise ValidationError(
            _("Ce numéro SIREN n'existe pas : aucun SIREN n'est fait que de zéros."),
            code="siren_zero",
        )
