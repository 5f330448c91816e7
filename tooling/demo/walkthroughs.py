"""The demo's current applications, walked through the workflow services with the right actor
at each step: at least one in every state, so that every queue has something to show. Each
function tells one application's story; WALKTHROUGHS gives their order."""

from applications import services
from applications.enums import DocumentKind, Maturity, Outcome
from tooling.demo.cast import Cast
from tooling.demo.organisations import (
    CCE_OCCITANIE,
    CCI_BRETAGNE,
    CCI_HDF,
    CCI_LYON,
    CCI_NA,
    CCI_PARIS,
)
from tooling.demo.story import Story, demo_pdf, months_ahead

# The interlocutors the stories propose to (their accounts' local parts, people.INTERLOCUTORS).
ALSTOM_VN = "correspondant"
SCHNEIDER_VN = "correspondant2"
EDF_CN = "correspondant3"
RENAULT_MA = "correspondant5"

ASCONIT_DESCRIPTION = (
    "Asconit Consultants est un bureau d'études lyonnais en ingénierie de l'environnement : "
    "qualité des eaux de surface et souterraines, hydrobiologie, études d'impact "
    "environnemental et dépollution des sols. Nous menons depuis plusieurs années des "
    "missions ponctuelles au Vietnam pour des bailleurs internationaux (gestion de la "
    "ressource en eau du bassin du fleuve Rouge, suivi de la qualité des eaux autour de "
    "zones industrielles).\n\n"
    "Nous voulons ouvrir un bureau permanent à Hanoi pour répondre directement aux appels "
    "d'offres des ministères vietnamiens et de la Banque asiatique de développement. Nous "
    "attendons d'un grand groupe un hébergement rapide pour deux collaborateurs, dont un VIE, "
    "et un éclairage sur la réglementation vietnamienne (agrément pour les études d'impact, "
    "bureau de représentation ou filiale), sur le marché et sur les décideurs du secteur de "
    "l'eau et de l'environnement."
)


def asconit_draft(cast: Cast) -> Story:
    """Asconit Consultants, Vietnam: the draft the demo journey starts from."""
    return cast.story(
        0,
        "asconit",
        target_country="VN",
        target_city="Hanoi",
        wants_advice=True,
        wants_hosting=True,
        maturity=Maturity.SETTLING,
        description=ASCONIT_DESCRIPTION,
        hosting_desks=2,
        hosting_vie_count=1,
        hosting_start_date=months_ahead(cast.today, 2),
        hosting_budget=1200,
    )


def datalyse_sent_back_by_its_sponsor(cast: Cast) -> Story:
    """Datalyse, India: the sponsor sent it back; a draft again, with the reason."""
    return (
        cast.story(
            15,
            "datalyse",
            target_country="IN",
            target_city="Bangalore",
            wants_advice=True,
            wants_hosting=True,
            maturity=Maturity.EXPLORING,
            description=(
                "Éditeur d'un logiciel d'analyse de données de maintenance pour "
                "l'aéronautique, nous voulons approcher les centres d'ingénierie installés "
                "à Bangalore et y placer un VIE."
            ),
            hosting_desks=1,
            hosting_vie_count=1,
        )
        .then(12, services.submit, cast.member("datalyse"), sponsor_body=cast.bodies[CCI_PARIS])
        .then(
            10,
            services.decline_endorsement,
            cast.advisor_of(CCI_PARIS),
            reason=(
                "Le projet est encore flou sur le budget et le calendrier. Prenez "
                "rendez-vous avec notre conseiller international pour le préciser, puis "
                "renvoyez-nous la demande."
            ),
        )
    )


def forez_awaiting_its_sponsor(cast: Cast) -> Story:
    """Forez Textiles Techniques, Morocco: waiting for the demo advisor's CCI."""
    return cast.story(
        8,
        "forez",
        target_country="MA",
        target_city="Casablanca",
        wants_commercial=True,
        maturity=Maturity.PROSPECTING,
        description=(
            "Nous fabriquons des textiles techniques (filtration, renforts composites) "
            "et cherchons à rencontrer les donneurs d'ordre de l'automobile et du "
            "ferroviaire installés au Maroc."
        ),
    ).then(6, services.submit, cast.member("forez"), sponsor_body=cast.bodies[CCI_LYON])


def rhone_awaiting_its_sponsor(cast: Cast) -> Story:
    """Rhône Automatismes, China: waiting for the demo advisor's CCI too."""
    return cast.story(
        3,
        "rhone",
        target_country="CN",
        target_city="Pékin",
        wants_advice=True,
        wants_commercial=True,
        maturity=Maturity.PROSPECTING,
        description=(
            "Après le Vietnam, nous voulons proposer nos armoires de contrôle-commande "
            "pour stations de traitement d'eau aux ensembliers présents en Chine."
        ),
    ).then(1, services.submit, cast.member("rhone"), sponsor_body=cast.bodies[CCI_LYON])


def mecaprecis_in_review(cast: Cast) -> Story:
    """Mécaprécis, Brazil: freshly sponsored, in review for 3 days."""
    return (
        cast.story(
            6,
            "mecaprecis",
            target_country="BR",
            target_city="São Paulo",
            wants_advice=True,
            wants_commercial=True,
            maturity=Maturity.PROSPECTING,
            description=(
                "Usinage de précision de pièces de sécurité (freinage, direction). Après le "
                "Maroc, nous étudions le Brésil pour suivre nos clients constructeurs."
            ),
        )
        .then(5, services.submit, cast.member("mecaprecis"), sponsor_body=cast.bodies[CCI_HDF])
        .then(
            3,
            services.endorse,
            cast.advisor_of(CCI_HDF),
            note="Entreprise solide, déjà accompagnée avec succès au Maroc.",
        )
    )


def solenvie_declined_by_a_corporation(cast: Cast) -> Story:
    """Solenvie Énergies, Vietnam: a corporation declined it; back in review, overdue, and
    staff and the SME talk about whom to propose it to next."""
    schneider_vn = cast.demo_user(SCHNEIDER_VN)
    story = (
        cast.story(
            40,
            "solenvie",
            target_country="VN",
            target_city="Hô Chi Minh-Ville",
            wants_advice=True,
            wants_hosting=True,
            maturity=Maturity.EXPLORING,
            description=(
                "Installateur de centrales solaires en toiture pour l'industrie, nous "
                "voulons comprendre le cadre réglementaire vietnamien de l'autoconsommation "
                "et tester le marché des zones industrielles du Sud."
            ),
            hosting_desks=1,
            hosting_start_date=months_ahead(cast.today, 1),
        )
        .then(
            39,
            services.attach_document,
            cast.member("solenvie"),
            kind=DocumentKind.BUSINESS_PLAN,
            upload=demo_pdf(
                "Business plan Solenvie Vietnam.pdf",
                "Solenvie Energies - business plan Vietnam 2026-2028",
            ),
        )
        .then(38, services.submit, cast.member("solenvie"), sponsor_body=cast.bodies[CCE_OCCITANIE])
        .then(35, services.endorse, cast.advisor_of(CCE_OCCITANIE), note="Projet pertinent.")
        .then(
            28,
            services.propose,
            cast.staff,
            interlocutor=cast.interlocutor(schneider_vn),
            hosting_offer=cast.hosting_offer("Schneider Electric", "VN", "Hô Chi Minh-Ville"),
            note="Solaire en toiture pour sites industriels : proche de vos clients.",
        )
        .then(
            24,
            services.decline_match,
            schneider_vn,
            reason=(
                "Nous accompagnons déjà deux installateurs solaires ce trimestre ; "
                "proposez-le plutôt à un énergéticien."
            ),
        )
    )
    return solenvie_looks_for_another_corporation(cast, story)


def solenvie_looks_for_another_corporation(cast: Cast, story: Story) -> Story:
    """A note between staff, then a question to the SME and its answer."""
    return (
        story.then(
            23,
            services.post_message,
            cast.staff,
            internal=True,
            body="EDF Vietnam serait le bon interlocuteur, mais il est absent jusqu'au mois "
            "prochain : le relancer à son retour plutôt que de proposer à Engie.",
        )
        .then(
            22,
            services.post_message,
            cast.staff,
            body="Schneider Electric ne peut pas vous accompagner ce trimestre. Nous "
            "cherchons un énergéticien présent à Hô Chi Minh-Ville : avez-vous déjà des "
            "contacts sur place ?",
        )
        .then(
            21,
            services.post_message,
            cast.member("solenvie"),
            body="Aucun contact pour l'instant, hormis un distributeur de panneaux. Nous "
            "pouvons décaler notre arrivée d'un mois si besoin.",
        )
    )


def pyrene_awaiting_information(cast: Cast) -> Story:
    """Pyrène Forage Services, Nigeria: the association asked for more."""
    return (
        cast.story(
            24,
            "pyrene",
            target_country="NG",
            target_city="Port Harcourt",
            wants_advice=True,
            wants_hosting=True,
            maturity=Maturity.FIRST_SALES,
            description=(
                "Services de forage et de maintenance de têtes de puits. Nous avons réalisé "
                "deux chantiers au Nigeria en sous-traitance et voulons une base locale."
            ),
            hosting_desks=2,
            hosting_start_date=months_ahead(cast.today, 3),
            hosting_budget=1800,
        )
        .then(22, services.submit, cast.member("pyrene"), sponsor_body=cast.bodies[CCI_NA])
        .then(20, services.endorse, cast.advisor_of(CCI_NA))
        .then(
            4,
            services.request_information,
            cast.staff2,
            question=(
                "Pouvez-vous préciser vos certifications (API, ISO 9001) et vos règles de "
                "contenu local (NCDMB) : avez-vous déjà un partenaire nigérian ?"
            ),
        )
    )


def depolia_proposed_to_alstom(cast: Cast) -> Story:
    """Dépolia, Vietnam: proposed to the demo interlocutor (after a question answered)."""
    story = (
        cast.story(
            25,
            "depolia",
            target_country="VN",
            target_city="Hanoi",
            wants_advice=True,
            wants_hosting=True,
            maturity=Maturity.PROSPECTING,
            description=(
                "Dépollution des sols et des eaux souterraines de sites industriels. Nous "
                "répondons avec un partenaire local à un appel d'offres pour la "
                "réhabilitation d'anciennes zones industrielles autour de Hanoi."
            ),
            hosting_desks=1,
            hosting_start_date=months_ahead(cast.today, 2),
            hosting_budget=600,
        )
        .then(23, services.submit, cast.member("depolia"), sponsor_body=cast.bodies[CCI_LYON])
        .then(20, services.endorse, cast.advisor_of(CCI_LYON), note="Très bon dossier.")
    )
    return depolia_answers_and_is_proposed(cast, story)


def depolia_answers_and_is_proposed(cast: Cast, story: Story) -> Story:
    """A question answered with a document, two messages, then the proposal with hosting."""
    return (
        story.then(
            14,
            services.request_information,
            cast.staff,
            question="Qui est votre partenaire local, et quel est le calendrier de l'appel "
            "d'offres ?",
        )
        .then(
            11,
            services.answer_information,
            cast.member("depolia"),
            answer=(
                "Notre partenaire est un bureau d'études de Hanoi avec qui nous travaillons "
                "depuis 2024 ; remise des offres prévue dans quatre mois. Le calendrier "
                "détaillé est joint."
            ),
            uploads=[
                demo_pdf(
                    "Calendrier appel d'offres Hanoi.pdf",
                    "Depolia - calendrier de l'appel d'offres Hanoi",
                )
            ],
        )
        .then(
            10,
            services.post_message,
            cast.advisor_of(CCI_LYON),
            body="Je confirme : la CCI a rencontré leur partenaire de Hanoi lors de la "
            "mission collective de mars.",
        )
        .then(
            9,
            services.post_message,
            cast.staff,
            internal=True,
            body="Dossier solide ; Alstom a un bureau à Hanoi et une offre d'hébergement.",
        )
        .then(
            3,
            services.propose,
            cast.staff,
            interlocutor=cast.interlocutor(cast.demo_user(ALSTOM_VN)),
            hosting_offer=cast.hosting_offer("Alstom", "VN", "Hanoi"),
            note="Environnement et sites industriels à Hanoi : votre terrain.",
        )
    )


def hydrelis_proposed_to_alstom(cast: Cast) -> Story:
    """Hydrelis Instruments, Vietnam: proposed to the demo interlocutor yesterday."""
    return (
        cast.story(
            13,
            "hydrelis",
            target_country="VN",
            target_city="Hanoi",
            wants_advice=True,
            wants_commercial=True,
            maturity=Maturity.FIRST_SALES,
            description=(
                "Capteurs et stations de mesure de la qualité de l'eau en continu. Nous "
                "avons équipé deux stations de traitement au Vietnam et voulons rencontrer "
                "les opérateurs et les ensembliers des grands projets d'eau."
            ),
        )
        .then(11, services.submit, cast.member("hydrelis"), sponsor_body=cast.bodies[CCI_BRETAGNE])
        .then(9, services.endorse, cast.advisor_of(CCI_BRETAGNE))
        .then(
            1,
            services.propose,
            cast.staff2,
            interlocutor=cast.interlocutor(cast.demo_user(ALSTOM_VN)),
        )
    )


def rhone_accompanied_by_alstom(cast: Cast) -> Story:
    """Rhône Automatismes, Vietnam: accompanied by the demo interlocutor."""
    alstom_vn = cast.demo_user(ALSTOM_VN)
    return (
        cast.story(
            75,
            "rhone",
            target_country="VN",
            target_city="Hanoi",
            wants_advice=True,
            wants_hosting=True,
            wants_commercial=True,
            maturity=Maturity.FIRST_SALES,
            description=(
                "Armoires de contrôle-commande pour le ferroviaire et le traitement de "
                "l'eau ; nous voulons un ingénieur sur place pour suivre nos premiers "
                "contrats de la ligne de métro de Hanoi."
            ),
            hosting_desks=1,
            hosting_vie_count=1,
            hosting_start_date=months_ahead(cast.today, -1),
            hosting_budget=500,
        )
        .then(73, services.submit, cast.member("rhone"), sponsor_body=cast.bodies[CCI_LYON])
        .then(70, services.endorse, cast.advisor_of(CCI_LYON))
        .then(
            62,
            services.propose,
            cast.staff,
            interlocutor=cast.interlocutor(alstom_vn),
            hosting_offer=cast.hosting_offer("Alstom", "VN", "Hanoi"),
        )
        .then(
            58,
            services.accept_match,
            alstom_vn,
            note="Nous pouvons accueillir votre VIE dans nos bureaux de Hanoi.",
        )
    )


def delcourt_accompanied_by_schneider(cast: Cast) -> Story:
    """Delcourt Tableaux Électriques, Vietnam: accompanied by Schneider Electric, whose
    interlocutor is now full, with a desk reserved in Hô Chi Minh-Ville."""
    schneider_vn = cast.demo_user(SCHNEIDER_VN)
    return (
        cast.story(
            55,
            "delcourt",
            target_country="VN",
            target_city="Hô Chi Minh-Ville",
            wants_advice=True,
            wants_hosting=True,
            wants_commercial=True,
            maturity=Maturity.FIRST_SALES,
            description=(
                "Tableaux électriques basse tension pour les bâtiments industriels. Un "
                "premier client dans une zone industrielle de Binh Duong ; nous voulons un "
                "VIE sur place pour suivre les chantiers et trouver des installateurs."
            ),
            hosting_desks=1,
            hosting_vie_count=1,
            hosting_start_date=months_ahead(cast.today, -1),
            hosting_budget=400,
        )
        .then(53, services.submit, cast.member("delcourt"), sponsor_body=cast.bodies[CCI_PARIS])
        .then(50, services.endorse, cast.advisor_of(CCI_PARIS))
        .then(
            45,
            services.propose,
            cast.staff2,
            interlocutor=cast.interlocutor(schneider_vn),
            hosting_offer=cast.hosting_offer("Schneider Electric", "VN", "Hô Chi Minh-Ville"),
            note="Tableaux électriques : vos installateurs partenaires sont ses clients.",
        )
        .then(
            42,
            services.accept_match,
            schneider_vn,
            note="Nous accueillons votre VIE dans nos bureaux de Hô Chi Minh-Ville.",
        )
    )


def hydrelis_in_review_where_no_corporation_is(cast: Cast) -> Story:
    """Hydrelis Instruments, Cambodia: in review; no member corporation is present there,
    so the ranking offers their neighbours in South-eastern Asia."""
    return (
        cast.story(
            9,
            "hydrelis",
            target_country="KH",
            target_city="Phnom Penh",
            wants_advice=True,
            wants_commercial=True,
            maturity=Maturity.EXPLORING,
            description=(
                "Après le Vietnam, nous voulons proposer nos stations de mesure de la "
                "qualité de l'eau aux projets d'eau potable financés autour du Mékong et "
                "du Tonlé Sap."
            ),
        )
        .then(8, services.submit, cast.member("hydrelis"), sponsor_body=cast.bodies[CCI_BRETAGNE])
        .then(6, services.endorse, cast.advisor_of(CCI_BRETAGNE))
    )


def mecaprecis_closed_and_rated(cast: Cast) -> Story:
    """Mécaprécis, Morocco: accompanied, closed and rated."""
    renault_ma = cast.demo_user(RENAULT_MA)
    return (
        cast.story(
            240,
            "mecaprecis",
            target_country="MA",
            target_city="Tanger",
            wants_advice=True,
            wants_commercial=True,
            maturity=Maturity.PROSPECTING,
            description=(
                "Usinage de précision de pièces de sécurité automobile ; nous voulons "
                "devenir fournisseur de rang 2 de l'usine de Tanger."
            ),
        )
        .then(238, services.submit, cast.member("mecaprecis"), sponsor_body=cast.bodies[CCI_HDF])
        .then(235, services.endorse, cast.advisor_of(CCI_HDF))
        .then(226, services.propose, cast.staff, interlocutor=cast.interlocutor(renault_ma))
        .then(222, services.accept_match, renault_ma)
        .then(
            40,
            services.close,
            cast.staff,
            outcome=Outcome.BUSINESS,
            note="Premières commandes passées par deux fournisseurs de rang 1.",
        )
        .then(
            38,
            services.rate,
            cast.member("mecaprecis"),
            rating=5,
            comment="Un accès aux acheteurs que nous n'aurions jamais eu seuls. Merci !",
        )
    )


def datalyse_rejected(cast: Cast) -> Story:
    """Datalyse, United States: rejected after a question."""
    return (
        cast.story(
            60,
            "datalyse",
            target_country="US",
            wants_commercial=True,
            maturity=Maturity.EXPLORING,
            description=(
                "Nous aimerions présenter notre logiciel d'analyse de maintenance aux "
                "avionneurs américains."
            ),
        )
        .then(58, services.submit, cast.member("datalyse"), sponsor_body=cast.bodies[CCI_PARIS])
        .then(55, services.endorse, cast.advisor_of(CCI_PARIS))
        .then(
            50,
            services.request_information,
            cast.staff,
            question="Avez-vous des références clients en France et un budget pour ce projet ?",
        )
        .then(
            47,
            services.answer_information,
            cast.member("datalyse"),
            answer="Une référence en cours de signature ; pas encore de budget dédié.",
        )
        .then(
            41,
            services.reject,
            cast.staff,
            reason=(
                "Le projet est trop précoce pour un accompagnement par un grand groupe. "
                "Rapprochez-vous de la Team France Export pour un premier diagnostic, et "
                "revenez vers nous avec une première référence."
            ),
        )
    )


def solenvie_withdrawn(cast: Cast) -> Story:
    """Solenvie Énergies, China: withdrawn by the SME while proposed to EDF."""
    return (
        cast.story(
            120,
            "solenvie",
            target_country="CN",
            target_city="Pékin",
            wants_advice=True,
            maturity=Maturity.EXPLORING,
            description=(
                "Premier regard sur le marché chinois du solaire industriel et sur ses "
                "règles d'accès pour une PME étrangère."
            ),
        )
        .then(
            118, services.submit, cast.member("solenvie"), sponsor_body=cast.bodies[CCE_OCCITANIE]
        )
        .then(114, services.endorse, cast.advisor_of(CCE_OCCITANIE))
        .then(
            100,
            services.propose,
            cast.staff,
            interlocutor=cast.interlocutor(cast.demo_user(EDF_CN)),
        )
        .then(
            95,
            services.withdraw,
            cast.member("solenvie"),
            reason="Nous concentrons nos efforts sur le Vietnam.",
        )
    )


# In this order: the applications' numbers follow it.
WALKTHROUGHS = [
    asconit_draft,
    datalyse_sent_back_by_its_sponsor,
    forez_awaiting_its_sponsor,
    rhone_awaiting_its_sponsor,
    mecaprecis_in_review,
    solenvie_declined_by_a_corporation,
    pyrene_awaiting_information,
    depolia_proposed_to_alstom,
    hydrelis_proposed_to_alstom,
    rhone_accompanied_by_alstom,
    delcourt_accompanied_by_schneider,
    hydrelis_in_review_where_no_corporation_is,
    mecaprecis_closed_and_rated,
    datalyse_rejected,
    solenvie_withdrawn,
]


def seed_walkthroughs(cast: Cast) -> list[Story]:
    return [walkthrough(cast) for walkthrough in WALKTHROUGHS]
