"""Validators for company data: the SIREN number (9 digits with a Luhn check digit)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siren


def validate_siren(value: str) -> None:
    try:
        siren.validate(value)
    except InvalidLength as error:
        raise ValidationError(
            _("Un numéro SIREN comporte exactement 9 chiffres."), code="siren_length"
        ) from error
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
