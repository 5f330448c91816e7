"""UN M49 sub-regions of every country, for the matching fallback when no corporation is present
in the target country.

Static reference data from the UN Statistics Division's "Standard country or area codes for
statistical use" (M49). Intermediate regions (e.g. "Caribbean", "Western Africa", "Channel
Islands") are folded into their sub-region, so "Sub-Saharan Africa" and "Latin America and the
Caribbean" are single groups.

Left out on purpose:
- AQ (Antarctica): listed by M49 without any region or sub-region;
- XK (Kosovo): a user-assigned code, neither in ISO 3166-1 nor listed by M49.

TW (Taiwan) is not listed separately by M49; it is mapped to Eastern Asia (030), as China is.
"""

from django.utils.translation import get_language

# M49 sub-region code -> (French name, English name).
SUBREGIONS: dict[str, tuple[str, str]] = {
    "015": ("Afrique du Nord", "Northern Africa"),
    "021": ("Amérique septentrionale", "Northern America"),
    "030": ("Asie de l'Est", "Eastern Asia"),
    "034": ("Asie du Sud", "Southern Asia"),
    "035": ("Asie du Sud-Est", "South-eastern Asia"),
    "039": ("Europe du Sud", "Southern Europe"),
    "053": ("Australie et Nouvelle-Zélande", "Australia and New Zealand"),
    "054": ("Mélanésie", "Melanesia"),
    "057": ("Micronésie", "Micronesia"),
    "061": ("Polynésie", "Polynesia"),
    "143": ("Asie centrale", "Central Asia"),
    "145": ("Asie de l'Ouest", "Western Asia"),
    "151": ("Europe de l'Est", "Eastern Europe"),
    "154": ("Europe du Nord", "Northern Europe"),
    "155": ("Europe de l'Ouest", "Western Europe"),
    "202": ("Afrique subsaharienne", "Sub-Saharan Africa"),
    "419": ("Amérique latine et Caraïbes", "Latin America and the Caribbean"),
}

# ISO 3166-1 alpha-2 country code -> M49 sub-region code.
COUNTRY_SUBREGION: dict[str, str] = {
    "AD": "039",  # Andorra
    "AE": "145",  # United Arab Emirates
    "AF": "034",  # Afghanistan
    "AG": "419",  # Antigua and Barbuda
    "AI": "419",  # Anguilla
    "AL": "039",  # Albania
    "AM": "145",  # Armenia
    "AO": "202",  # Angola
    "AR": "419",  # Argentina
    "AS": "061",  # American Samoa
    "AT": "155",  # Austria
    "AU": "053",  # Australia
    "AW": "419",  # Aruba
    "AX": "154",  # Åland Islands
    "AZ": "145",  # Azerbaijan
    "BA": "039",  # Bosnia and Herzegovina
    "BB": "419",  # Barbados
    "BD": "034",  # Bangladesh
    "BE": "155",  # Belgium
    "BF": "202",  # Burkina Faso
    "BG": "151",  # Bulgaria
    "BH": "145",  # Bahrain
    "BI": "202",  # Burundi
    "BJ": "202",  # Benin
    "BL": "419",  # Saint Barthélemy
    "BM": "021",  # Bermuda
    "BN": "035",  # Brunei Darussalam
    "BO": "419",  # Bolivia (Plurinational State of)
    "BQ": "419",  # Bonaire, Sint Eustatius and Saba
    "BR": "419",  # Brazil
    "BS": "419",  # Bahamas (The)
    "BT": "034",  # Bhutan
    "BV": "419",  # Bouvet Island
    "BW": "202",  # Botswana
    "BY": "151",  # Belarus
    "BZ": "419",  # Belize
    "CA": "021",  # Canada
    "CC": "053",  # Cocos (Keeling) Islands
    "CD": "202",  # Congo (the Democratic Republic of the)
    "CF": "202",  # Central African Republic
    "CG": "202",  # Congo
    "CH": "155",  # Switzerland
    "CI": "202",  # Côte d'Ivoire
    "CK": "061",  # Cook Islands
    "CL": "419",  # Chile
    "CM": "202",  # Cameroon
    "CN": "030",  # China
    "CO": "419",  # Colombia
    "CR": "419",  # Costa Rica
    "CU": "419",  # Cuba
    "CV": "202",  # Cabo Verde
    "CW": "419",  # Curaçao
    "CX": "053",  # Christmas Island
    "CY": "145",  # Cyprus
    "CZ": "151",  # Czechia
    "DE": "155",  # Germany
    "DJ": "202",  # Djibouti
    "DK": "154",  # Denmark
    "DM": "419",  # Dominica
    "DO": "419",  # Dominican Republic
    "DZ": "015",  # Algeria
    "EC": "419",  # Ecuador
    "EE": "154",  # Estonia
    "EG": "015",  # Egypt
    "EH": "015",  # Western Sahara
    "ER": "202",  # Eritrea
    "ES": "039",  # Spain
    "ET": "202",  # Ethiopia
    "FI": "154",  # Finland
    "FJ": "054",  # Fiji
    "FK": "419",  # Falkland Islands (Malvinas)
    "FM": "057",  # Micronesia (Federated States of)
    "FO": "154",  # Faroe Islands
    "FR": "155",  # France
    "GA": "202",  # Gabon
    "GB": "154",  # United Kingdom of Great Britain and Northern Ireland
    "GD": "419",  # Grenada
    "GE": "145",  # Georgia
    "GF": "419",  # French Guiana
    "GG": "154",  # Guernsey
    "GH": "202",  # Ghana
    "GI": "039",  # Gibraltar
    "GL": "021",  # Greenland
    "GM": "202",  # Gambia
    "GN": "202",  # Guinea
    "GP": "419",  # Guadeloupe
    "GQ": "202",  # Equatorial Guinea
    "GR": "039",  # Greece
    "GS": "419",  # South Georgia and the South Sandwich Islands
    "GT": "419",  # Guatemala
    "GU": "057",  # Guam
    "GW": "202",  # Guinea-Bissau
    "GY": "419",  # Guyana
    "HK": "030",  # Hong Kong
    "HM": "053",  # Heard Island and McDonald Islands
    "HN": "419",  # Honduras
    "HR": "039",  # Croatia
    "HT": "419",  # Haiti
    "HU": "151",  # Hungary
    "ID": "035",  # Indonesia
    "IE": "154",  # Ireland
    "IL": "145",  # Israel
    "IM": "154",  # Isle of Man
    "IN": "034",  # India
    "IO": "202",  # British Indian Ocean Territory
    "IQ": "145",  # Iraq
    "IR": "034",  # Iran (Islamic Republic of)
    "IS": "154",  # Iceland
    "IT": "039",  # Italy
    "JE": "154",  # Jersey
    "JM": "419",  # Jamaica
    "JO": "145",  # Jordan
    "JP": "030",  # Japan
    "KE": "202",  # Kenya
    "KG": "143",  # Kyrgyzstan
    "KH": "035",  # Cambodia
    "KI": "057",  # Kiribati
    "KM": "202",  # Comoros
    "KN": "419",  # Saint Kitts and Nevis
    "KP": "030",  # Korea (the Democratic People's Republic of)
    "KR": "030",  # Korea (the Republic of)
    "KW": "145",  # Kuwait
    "KY": "419",  # Cayman Islands
    "KZ": "143",  # Kazakhstan
    "LA": "035",  # Lao People's Democratic Republic
    "LB": "145",  # Lebanon
    "LC": "419",  # Saint Lucia
    "LI": "155",  # Liechtenstein
    "LK": "034",  # Sri Lanka
    "LR": "202",  # Liberia
    "LS": "202",  # Lesotho
    "LT": "154",  # Lithuania
    "LU": "155",  # Luxembourg
    "LV": "154",  # Latvia
    "LY": "015",  # Libya
    "MA": "015",  # Morocco
    "MC": "155",  # Monaco
    "MD": "151",  # Moldova (the Republic of)
    "ME": "039",  # Montenegro
    "MF": "419",  # Saint Martin (French part)
    "MG": "202",  # Madagascar
    "MH": "057",  # Marshall Islands
    "MK": "039",  # North Macedonia
    "ML": "202",  # Mali
    "MM": "035",  # Myanmar
    "MN": "030",  # Mongolia
    "MO": "030",  # Macao
    "MP": "057",  # Northern Mariana Islands
    "MQ": "419",  # Martinique
    "MR": "202",  # Mauritania
    "MS": "419",  # Montserrat
    "MT": "039",  # Malta
    "MU": "202",  # Mauritius
    "MV": "034",  # Maldives
    "MW": "202",  # Malawi
    "MX": "419",  # Mexico
    "MY": "035",  # Malaysia
    "MZ": "202",  # Mozambique
    "NA": "202",  # Namibia
    "NC": "054",  # New Caledonia
    "NE": "202",  # Niger
    "NF": "053",  # Norfolk Island
    "NG": "202",  # Nigeria
    "NI": "419",  # Nicaragua
    "NL": "155",  # Netherlands (Kingdom of the)
    "NO": "154",  # Norway
    "NP": "034",  # Nepal
    "NR": "057",  # Naoero
    "NU": "061",  # Niue
    "NZ": "053",  # New Zealand
    "OM": "145",  # Oman
    "PA": "419",  # Panama
    "PE": "419",  # Peru
    "PF": "061",  # French Polynesia
    "PG": "054",  # Papua New Guinea
    "PH": "035",  # Philippines
    "PK": "034",  # Pakistan
    "PL": "151",  # Poland
    "PM": "021",  # Saint Pierre and Miquelon
    "PN": "061",  # Pitcairn
    "PR": "419",  # Puerto Rico
    "PS": "145",  # Palestine, State of
    "PT": "039",  # Portugal
    "PW": "057",  # Palau
    "PY": "419",  # Paraguay
    "QA": "145",  # Qatar
    "RE": "202",  # Réunion
    "RO": "151",  # Romania
    "RS": "039",  # Serbia
    "RU": "151",  # Russian Federation
    "RW": "202",  # Rwanda
    "SA": "145",  # Saudi Arabia
    "SB": "054",  # Solomon Islands
    "SC": "202",  # Seychelles
    "SD": "015",  # Sudan
    "SE": "154",  # Sweden
    "SG": "035",  # Singapore
    "SH": "202",  # Saint Helena, Ascension and Tristan da Cunha
    "SI": "039",  # Slovenia
    "SJ": "154",  # Svalbard and Jan Mayen
    "SK": "151",  # Slovakia
    "SL": "202",  # Sierra Leone
    "SM": "039",  # San Marino
    "SN": "202",  # Senegal
    "SO": "202",  # Somalia
    "SR": "419",  # Suriname
    "SS": "202",  # South Sudan
    "ST": "202",  # Sao Tome and Principe
    "SV": "419",  # El Salvador
    "SX": "419",  # Sint Maarten (Dutch part)
    "SY": "145",  # Syrian Arab Republic
    "SZ": "202",  # Eswatini
    "TC": "419",  # Turks and Caicos Islands
    "TD": "202",  # Chad
    "TF": "202",  # French Southern Territories
    "TG": "202",  # Togo
    "TH": "035",  # Thailand
    "TJ": "143",  # Tajikistan
    "TK": "061",  # Tokelau
    "TL": "035",  # Timor-Leste
    "TM": "143",  # Turkmenistan
    "TN": "015",  # Tunisia
    "TO": "061",  # Tonga
    "TR": "145",  # Türkiye
    "TT": "419",  # Trinidad and Tobago
    "TV": "061",  # Tuvalu
    "TW": "030",  # Taiwan (Province of China)
    "TZ": "202",  # Tanzania, the United Republic of
    "UA": "151",  # Ukraine
    "UG": "202",  # Uganda
    "UM": "057",  # United States Minor Outlying Islands
    "US": "021",  # United States of America
    "UY": "419",  # Uruguay
    "UZ": "143",  # Uzbekistan
    "VA": "039",  # Holy See
    "VC": "419",  # Saint Vincent and the Grenadines
    "VE": "419",  # Venezuela (Bolivarian Republic of)
    "VG": "419",  # Virgin Islands (British)
    "VI": "419",  # Virgin Islands (U.S.)
    "VN": "035",  # Viet Nam
    "VU": "054",  # Vanuatu
    "WF": "061",  # Wallis and Futuna
    "WS": "061",  # Samoa
    "YE": "145",  # Yemen
    "YT": "202",  # Mayotte
    "ZA": "202",  # South Africa
    "ZM": "202",  # Zambia
    "ZW": "202",  # Zimbabwe
}


def subregion_of(country_code: str) -> str | None:
    """Return the M49 sub-region code of an ISO alpha-2 country code, or None if unknown."""
    if not country_code:
        return None
    return COUNTRY_SUBREGION.get(country_code.strip().upper())


_COUNTRIES_BY_SUBREGION: dict[str, frozenset[str]] = {
    code: frozenset(c for c, s in COUNTRY_SUBREGION.items() if s == code) for code in SUBREGIONS
}


def countries_in(subregion: str) -> frozenset[str]:
    """The ISO codes of the countries of an M49 sub-region."""
    return _COUNTRIES_BY_SUBREGION.get(subregion, frozenset())


def subregion_name(subregion: str | None) -> str:
    """The sub-region's name in the current language (French unless English is active)."""
    names = SUBREGIONS.get(subregion or "")
    if names is None:
        return ""
    return names[1] if (get_language() or "fr").startswith("en") else names[0]
