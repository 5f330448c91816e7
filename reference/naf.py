"""French NAF rév. 2 activity classification: sections and divisions (FR/EN labels).

At section and division level the NAF rév. 2 (INSEE) is identical to the European
NACE Rev. 2 classification. French labels are the official INSEE labels; English labels
are the official Eurostat NACE Rev. 2 labels.
"""

# (code, French INSEE label, English NACE Rev. 2 label)
SECTIONS: list[tuple[str, str, str]] = [
    ("A", "Agriculture, sylviculture et pêche", "Agriculture, forestry and fishing"),
    ("B", "Industries extractives", "Mining and quarrying"),
    ("C", "Industrie manufacturière", "Manufacturing"),
    (
        "D",
        ("Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné"),
        "Electricity, gas, steam and air conditioning supply",
    ),
    (
        "E",
        ("Production et distribution d'eau ; assainissement, gestion des déchets et dépollution"),
        "Water supply; sewerage, waste management and remediation activities",
    ),
    ("F", "Construction", "Construction"),
    (
        "G",
        "Commerce ; réparation d'automobiles et de motocycles",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    ("H", "Transports et entreposage", "Transportation and storage"),
    ("I", "Hébergement et restauration", "Accommodation and food service activities"),
    ("J", "Information et communication", "Information and communication"),
    ("K", "Activités financières et d'assurance", "Financial and insurance activities"),
    ("L", "Activités immobilières", "Real estate activities"),
    (
        "M",
        "Activités spécialisées, scientifiques et techniques",
        "Professional, scientific and technical activities",
    ),
    (
        "N",
        "Activités de services administratifs et de soutien",
        "Administrative and support service activities",
    ),
    (
        "O",
        "Administration publique",
        "Public administration and defence; compulsory social security",
    ),
    ("P", "Enseignement", "Education"),
    ("Q", "Santé humaine et action sociale", "Human health and social work activities"),
    (
        "R",
        "Arts, spectacles et activités récréatives",
        "Arts, entertainment and recreation",
    ),
    ("S", "Autres activités de services", "Other service activities"),
    (
        "T",
        (
            "Activités des ménages en tant qu'employeurs ; activités indifférenciées "
            "des ménages en tant que producteurs de biens et services pour usage propre"
        ),
        (
            "Activities of households as employers; undifferentiated goods- and "
            "services-producing activities of households for own use"
        ),
    ),
    (
        "U",
        "Activités extra-territoriales",
        "Activities of extraterritorial organisations and bodies",
    ),
]

# (code, section code, French INSEE label, English NACE Rev. 2 label)
DIVISIONS: list[tuple[str, str, str, str]] = [
    # A
    (
        "01",
        "A",
        "Culture et production animale, chasse et services annexes",
        "Crop and animal production, hunting and related service activities",
    ),
    ("02", "A", "Sylviculture et exploitation forestière", "Forestry and logging"),
    ("03", "A", "Pêche et aquaculture", "Fishing and aquaculture"),
    # B
    ("05", "B", "Extraction de houille et de lignite", "Mining of coal and lignite"),
    (
        "06",
        "B",
        "Extraction d'hydrocarbures",
        "Extraction of crude petroleum and natural gas",
    ),
    ("07", "B", "Extraction de minerais métalliques", "Mining of metal ores"),
    ("08", "B", "Autres industries extractives", "Other mining and quarrying"),
    (
        "09",
        "B",
        "Services de soutien aux industries extractives",
        "Mining support service activities",
    ),
    # C
    ("10", "C", "Industries alimentaires", "Manufacture of food products"),
    ("11", "C", "Fabrication de boissons", "Manufacture of beverages"),
    (
        "12",
        "C",
        "Fabrication de produits à base de tabac",
        "Manufacture of tobacco products",
    ),
    ("13", "C", "Fabrication de textiles", "Manufacture of textiles"),
    ("14", "C", "Industrie de l'habillement", "Manufacture of wearing apparel"),
    (
        "15",
        "C",
        "Industrie du cuir et de la chaussure",
        "Manufacture of leather and related products",
    ),
    (
        "16",
        "C",
        (
            "Travail du bois et fabrication d'articles en bois et en liège, "
            "à l'exception des meubles ; fabrication d'articles en vannerie "
            "et sparterie"
        ),
        (
            "Manufacture of wood and of products of wood and cork, except furniture; "
            "manufacture of articles of straw and plaiting materials"
        ),
    ),
    (
        "17",
        "C",
        "Industrie du papier et du carton",
        "Manufacture of paper and paper products",
    ),
    (
        "18",
        "C",
        "Imprimerie et reproduction d'enregistrements",
        "Printing and reproduction of recorded media",
    ),
    (
        "19",
        "C",
        "Cokéfaction et raffinage",
        "Manufacture of coke and refined petroleum products",
    ),
    ("20", "C", "Industrie chimique", "Manufacture of chemicals and chemical products"),
    (
        "21",
        "C",
        "Industrie pharmaceutique",
        ("Manufacture of basic pharmaceutical products and pharmaceutical preparations"),
    ),
    (
        "22",
        "C",
        "Fabrication de produits en caoutchouc et en plastique",
        "Manufacture of rubber and plastic products",
    ),
    (
        "23",
        "C",
        "Fabrication d'autres produits minéraux non métalliques",
        "Manufacture of other non-metallic mineral products",
    ),
    ("24", "C", "Métallurgie", "Manufacture of basic metals"),
    (
        "25",
        "C",
        ("Fabrication de produits métalliques, à l'exception des machines et des équipements"),
        "Manufacture of fabricated metal products, except machinery and equipment",
    ),
    (
        "26",
        "C",
        "Fabrication de produits informatiques, électroniques et optiques",
        "Manufacture of computer, electronic and optical products",
    ),
    (
        "27",
        "C",
        "Fabrication d'équipements électriques",
        "Manufacture of electrical equipment",
    ),
    (
        "28",
        "C",
        "Fabrication de machines et équipements n.c.a.",
        "Manufacture of machinery and equipment n.e.c.",
    ),
    (
        "29",
        "C",
        "Industrie automobile",
        "Manufacture of motor vehicles, trailers and semi-trailers",
    ),
    (
        "30",
        "C",
        "Fabrication d'autres matériels de transport",
        "Manufacture of other transport equipment",
    ),
    ("31", "C", "Fabrication de meubles", "Manufacture of furniture"),
    ("32", "C", "Autres industries manufacturières", "Other manufacturing"),
    (
        "33",
        "C",
        "Réparation et installation de machines et d'équipements",
        "Repair and installation of machinery and equipment",
    ),
    # D
    (
        "35",
        "D",
        ("Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné"),
        "Electricity, gas, steam and air conditioning supply",
    ),
    # E
    (
        "36",
        "E",
        "Captage, traitement et distribution d'eau",
        "Water collection, treatment and supply",
    ),
    ("37", "E", "Collecte et traitement des eaux usées", "Sewerage"),
    (
        "38",
        "E",
        "Collecte, traitement et élimination des déchets ; récupération",
        "Waste collection, treatment and disposal activities; materials recovery",
    ),
    (
        "39",
        "E",
        "Dépollution et autres services de gestion des déchets",
        "Remediation activities and other waste management services",
    ),
    # F
    ("41", "F", "Construction de bâtiments", "Construction of buildings"),
    ("42", "F", "Génie civil", "Civil engineering"),
    (
        "43",
        "F",
        "Travaux de construction spécialisés",
        "Specialised construction activities",
    ),
    # G
    (
        "45",
        "G",
        "Commerce et réparation d'automobiles et de motocycles",
        "Wholesale and retail trade and repair of motor vehicles and motorcycles",
    ),
    (
        "46",
        "G",
        "Commerce de gros, à l'exception des automobiles et des motocycles",
        "Wholesale trade, except of motor vehicles and motorcycles",
    ),
    (
        "47",
        "G",
        "Commerce de détail, à l'exception des automobiles et des motocycles",
        "Retail trade, except of motor vehicles and motorcycles",
    ),
    # H
    (
        "49",
        "H",
        "Transports terrestres et transport par conduites",
        "Land transport and transport via pipelines",
    ),
    ("50", "H", "Transports par eau", "Water transport"),
    ("51", "H", "Transports aériens", "Air transport"),
    (
        "52",
        "H",
        "Entreposage et services auxiliaires des transports",
        "Warehousing and support activities for transportation",
    ),
    ("53", "H", "Activités de poste et de courrier", "Postal and courier activities"),
    # I
    ("55", "I", "Hébergement", "Accommodation"),
    ("56", "I", "Restauration", "Food and beverage service activities"),
    # J
    ("58", "J", "Édition", "Publishing activities"),
    (
        "59",
        "J",
        (
            "Production de films cinématographiques, de vidéo et de programmes "
            "de télévision ; enregistrement sonore et édition musicale"
        ),
        (
            "Motion picture, video and television programme production, sound "
            "recording and music publishing activities"
        ),
    ),
    (
        "60",
        "J",
        "Programmation et diffusion",
        "Programming and broadcasting activities",
    ),
    ("61", "J", "Télécommunications", "Telecommunications"),
    (
        "62",
        "J",
        "Programmation, conseil et autres activités informatiques",
        "Computer programming, consultancy and related activities",
    ),
    ("63", "J", "Services d'information", "Information service activities"),
    # K
    (
        "64",
        "K",
        "Activités des services financiers, hors assurance et caisses de retraite",
        "Financial service activities, except insurance and pension funding",
    ),
    (
        "65",
        "K",
        "Assurance",
        ("Insurance, reinsurance and pension funding, except compulsory social security"),
    ),
    (
        "66",
        "K",
        "Activités auxiliaires de services financiers et d'assurance",
        "Activities auxiliary to financial services and insurance activities",
    ),
    # L
    ("68", "L", "Activités immobilières", "Real estate activities"),
    # M
    (
        "69",
        "M",
        "Activités juridiques et comptables",
        "Legal and accounting activities",
    ),
    (
        "70",
        "M",
        "Activités des sièges sociaux ; conseil de gestion",
        "Activities of head offices; management consultancy activities",
    ),
    (
        "71",
        "M",
        ("Activités d'architecture et d'ingénierie ; activités de contrôle et analyses techniques"),
        "Architectural and engineering activities; technical testing and analysis",
    ),
    (
        "72",
        "M",
        "Recherche-développement scientifique",
        "Scientific research and development",
    ),
    ("73", "M", "Publicité et études de marché", "Advertising and market research"),
    (
        "74",
        "M",
        "Autres activités spécialisées, scientifiques et techniques",
        "Other professional, scientific and technical activities",
    ),
    ("75", "M", "Activités vétérinaires", "Veterinary activities"),
    # N
    (
        "77",
        "N",
        "Activités de location et location-bail",
        "Rental and leasing activities",
    ),
    ("78", "N", "Activités liées à l'emploi", "Employment activities"),
    (
        "79",
        "N",
        (
            "Activités des agences de voyage, voyagistes, services de réservation "
            "et activités connexes"
        ),
        ("Travel agency, tour operator and other reservation service and related activities"),
    ),
    ("80", "N", "Enquêtes et sécurité", "Security and investigation activities"),
    (
        "81",
        "N",
        "Services relatifs aux bâtiments et aménagement paysager",
        "Services to buildings and landscape activities",
    ),
    (
        "82",
        "N",
        "Activités administratives et autres activités de soutien aux entreprises",
        "Office administrative, office support and other business support activities",
    ),
    # O
    (
        "84",
        "O",
        "Administration publique et défense ; sécurité sociale obligatoire",
        "Public administration and defence; compulsory social security",
    ),
    # P
    ("85", "P", "Enseignement", "Education"),
    # Q
    ("86", "Q", "Activités pour la santé humaine", "Human health activities"),
    ("87", "Q", "Hébergement médico-social et social", "Residential care activities"),
    (
        "88",
        "Q",
        "Action sociale sans hébergement",
        "Social work activities without accommodation",
    ),
    # R
    (
        "90",
        "R",
        "Activités créatives, artistiques et de spectacle",
        "Creative, arts and entertainment activities",
    ),
    (
        "91",
        "R",
        "Bibliothèques, archives, musées et autres activités culturelles",
        "Libraries, archives, museums and other cultural activities",
    ),
    (
        "92",
        "R",
        "Organisation de jeux de hasard et d'argent",
        "Gambling and betting activities",
    ),
    (
        "93",
        "R",
        "Activités sportives, récréatives et de loisirs",
        "Sports activities and amusement and recreation activities",
    ),
    # S
    (
        "94",
        "S",
        "Activités des organisations associatives",
        "Activities of membership organisations",
    ),
    (
        "95",
        "S",
        "Réparation d'ordinateurs et de biens personnels et domestiques",
        "Repair of computers and personal and household goods",
    ),
    ("96", "S", "Autres services personnels", "Other personal service activities"),
    # T
    (
        "97",
        "T",
        "Activités des ménages en tant qu'employeurs de personnel domestique",
        "Activities of households as employers of domestic personnel",
    ),
    (
        "98",
        "T",
        (
            "Activités indifférenciées des ménages en tant que producteurs de biens "
            "et services pour usage propre"
        ),
        (
            "Undifferentiated goods- and services-producing activities of private "
            "households for own use"
        ),
    ),
    # U
    (
        "99",
        "U",
        "Activités des organisations et organismes extraterritoriaux",
        "Activities of extraterritorial organisations and bodies",
    ),
]
