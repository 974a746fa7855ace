"""Norwegian texts for the demo: names, streets, and what matters, in people's own words."""

FIRST_NAMES = [
    "Kari", "Ola", "Ingrid", "Per", "Astrid", "Knut", "Solveig", "Arne", "Randi", "Bjørn",
    "Liv", "Terje", "Gunn", "Odd", "Berit", "Svein", "Marit", "Rolf", "Turid", "Egil",
    "Aud", "Leif", "Reidun", "Harald", "Sigrid", "Jan", "Eva", "Tor", "Anne", "Kjell",
    "Bodil", "Finn", "Gerd", "Nils", "Wenche", "Geir", "Hilde", "Roar", "Ruth", "Magnus",
]
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Ali",
    "Nguyen",
]
#: The women's names of FIRST_NAMES (the others are men's).
FEMALE_FIRST_NAMES = frozenset({
    "Kari", "Ingrid", "Astrid", "Solveig", "Randi", "Liv", "Gunn", "Berit", "Marit", "Turid",
    "Aud", "Reidun", "Sigrid", "Eva", "Anne", "Bodil", "Gerd", "Wenche", "Hilde", "Ruth"})
STAFF_FIRST_NAMES = [
    "Amina", "Jonas", "Sara", "Mohammed", "Emma", "Henrik", "Fatima", "Lars", "Nora", "Ahmed",
    "Ida", "Sindre", "Maja", "Thomas", "Hanne", "Ali", "Silje", "Martin", "Marte", "Kristian",
    "Julie", "Erik", "Tiril", "Daniel", "Linnea", "Omar", "Helene", "Sander", "Camilla", "Eirik",
    "Vilde", "Yusuf", "Kaja", "Andreas", "Ragnhild", "Mats", "Thea", "Petter",
]
STREETS = {
    "Bjølsen": ["Bjølsengata", "Maridalsveien", "Kristiansands gate", "Myrens verksted",
                "Sandakerveien"],
    "Iladalen": ["Waldemar Thranes gate", "Ila", "Vogts gate", "Kierschows gate", "Uelands gate"],
    "Sandaker": ["Sandakerveien", "Torshovgata", "Åsengata", "Hans Nielsen Hauges gate",
                 "Grefsenveien"],
}
#: Middle names (mellomnavn): family names carried between the given and the family name.
MIDDLE_NAMES = ["Nordby", "Lie", "Aas", "Bakke", "Holm", "Vik", "Fjeld", "Brekke"]
NEXT_OF_KIN_RELATIONS = ["datter", "sønn", "ektefelle", "samboer", "nevø", "niese", "venninne"]

#: What matters, as people said it, with goals that grew out of each answer.
WHAT_MATTERS = [
    ("Å klare å dusje selv igjen, uten at noen må stå og se på.",
     ["Dusje selv to ganger i uka", "Komme meg inn og ut av dusjen trygt"]),
    ("Jeg vil gå til butikken på hjørnet og handle mine egne varer.",
     ["Gå til Kiwi og hjem igjen med rullator", "Handle selv en gang i uka"]),
    ("At jeg får bo hjemme med katten min så lenge det går.",
     ["Klare å gi katten mat og vann selv", "Bo trygt hjemme gjennom vinteren"]),
    ("Komme meg på kirkekaffen på søndager, det er der vennene mine er.",
     ["Delta på kirkekaffen annenhver søndag"]),
    ("Lage middag selv, i alle fall noen dager. Ferdigmat smaker ikke noe.",
     ["Lage enkel middag selv tre dager i uka"]),
    ("Å kunne gå tur langs Akerselva når det er fint vær.",
     ["Gå til elva og tilbake uten å stoppe", "Gå ut hver dag det ikke er glatt"]),
    ("Jeg vil ikke falle igjen. Jeg er redd hver gang jeg står opp om natta.",
     ["Komme meg trygt på do om natta", "Føle meg trygg når jeg er alene"]),
    ("Ha kontroll på medisinene mine selv, ikke at alle andre skal styre det.",
     ["Ta medisinene selv fra dosetten"]),
    ("At barnebarna kan komme på besøk og at det ser ordentlig ut her.",
     ["Holde stua ryddig med litt hjelp", "Bake vafler når barnebarna kommer"]),
    ("Å sove godt om natta og ikke være så sliten om dagen.",
     ["Sove gjennom natta minst fire netter i uka"]),
    ("Kunne lese avisa og løse kryssord. Det holder hodet i gang.",
     ["Få nye briller tilpasset og lese avisa selv"]),
    ("Jeg vil klare trappene opp til leiligheten min i tredje etasje.",
     ["Gå trappene opp og ned med gelender"]),
    ("Spise ordentlig mat og gå opp litt i vekt igjen.",
     ["Spise tre måltider om dagen", "Gå opp to kilo før sommeren"]),
    ("Slippe å ha så vondt i beina at jeg ikke orker noe.",
     ["Kunne gå til postkassa uten sterke smerter"]),
    ("Ha noen å snakke med. Det er så stille her etter at Arne døde.",
     ["Delta på dagsenteret en gang i uka", "Ringe søsteren min hver søndag"]),
    ("Klare å kle på meg selv om morgenen.",
     ["Kle på meg selv med hjelpemidler fra ergoterapeuten"]),
]

#: Spoken for the user when they could not answer themselves.
PROXY_WHAT_MATTERS = [
    ("Mor har alltid vært glad i musikk. Hun roer seg når radioen står på.",
     ["Ha rolige stunder med musikk hver ettermiddag"]),
    ("Far vil være i sin egen stol ved vinduet. Der ser han ut på trikken.",
     ["Sitte i stolen ved vinduet hver formiddag"]),
    ("Hun trives best når det er de samme folkene som kommer. Nye fjes gjør henne urolig.",
     ["Få besøk av faste, kjente ansatte"]),
]

CHECKIN_NOTES = [
    "Går bedre enn forrige gang, mer selvstendig.",
    "Hadde en dårlig uke, men er motivert.",
    "Trenger fortsatt hjelp, vi justerer tiltaket.",
    "Bruker sier det går fint, pårørende enig.",
    "Fysioterapeuten har lagt inn nye øvelser.",
    "",
]

DECISION_SERVICES = [
    "Hjelp til morgenstell og medisiner, hverdagsrehabilitering med fysioterapeut.",
    "Praktisk bistand ukentlig, tilsyn og medisinhåndtering daglig.",
    "Hjelp til personlig hygiene, ernæringsoppfølging og trygghetsbesøk.",
]
DECISION_REASONS = [
    "Bruker ønsker å bo hjemme og mestre mer selv; teamet vurderer at dette er realistisk "
    "med tett oppfølging de første ukene.",
    "Nedsatt funksjon etter sykehusopphold. Bruker og datter deltok i vurderingen.",
    "Behov for daglig tilsyn på grunn av fallrisiko; bruker vil helst klare seg selv.",
]

#: The need in brief, as a referral states it.
REFERRAL_NEEDS = (
    "Utskrevet etter hoftebrudd; trenger hjelp med stell og medisiner.",
    "Pårørende er bekymret: glemmer å spise og å ta medisiner.",
    "Sårstell etter operasjon, to ganger i uken.",
    "Trenger hjelp til å komme seg opp og i seng morgen og kveld.",
    "Ny diabetesdiagnose; trenger opplæring og oppfølging av blodsukker.",
)

#: What a visitor writes after some visits (the journal shows them to the team).
VISIT_NOTES = [
    "Morgenstell gikk greit. Spiste frokost selv ved kjøkkenbordet.",
    "Litt svimmel da hun reiste seg; målte blodtrykk 118/70. Ba henne ringe om det kommer igjen.",
    "Medisiner tatt. Snakket om barnebarnets konfirmasjon, gleder seg.",
    "Dusjet med tilsyn. Gikk fint med krakken fysioterapeuten satte inn.",
    "Lite matlyst i dag. Satte fram yoghurt og avtalte at kveldsvakten ser til.",
    "Gikk tur til postkassa sammen, uten rullator på tilbaketuren.",
    "Var i dårlig humør, savner kona. Satt og pratet en stund.",
    "Kjøleskapet nesten tomt; minnet datteren på handlelista.",
]

#: The team's reading of its numbers and the leader's questions, by team: (indicator,
#: who writes ("member", "coordinator" or "leader"), text, days ago, answers the
#: message at this index of the same team's list, or None).
READINGS = {
    "Team Bjølsen": [
        ("user_voice", "member", "Vi spør oftere nå etter at vi tok spørsmålene inn i "
         "oppfølgingen. De som svarer nei, gjelder mest hvem som kommer.", 3, None),
        ("user_voice", "leader", "Fint å se. Hva gjør dere med svarene som er nei?", 2, 0),
        ("user_voice", "coordinator", "Vi tar dem opp på teammøtet på torsdag og ser på "
         "turnusen sammen.", 1, 1),
        ("followups_up_to_date", "leader", "Tallet har gått ned to perioder på rad. Hva "
         "ligger bak, og trenger dere noe fra meg?", 1, None),
    ],
    "Team Iladalen": [
        ("contact_share", "member", "To i teamet har vært syke i tre uker; det ser vi på "
         "andelen. Det retter seg når de er tilbake.", 9, None),
        ("contact_share", "leader", "Takk for at dere sier det. Trenger dere vikar?", 8, 0),
        ("what_matters_coverage", "leader", "Hvordan spør dere de nye brukerne om hva "
         "som er viktig, når de er dårlige de første dagene?", 6, None),
        ("what_matters_coverage", "coordinator", "Vi spør pårørende først og brukeren "
         "igjen etter en uke. Det tar vi med i intaket.", 5, 2),
    ],
    "Team Sandaker": [
        ("what_matters_coverage", "member", "Nesten alle er spurt nå. Vi skriver svarene "
         "med brukerens egne ord og leser dem før hvert hovedbesøk.", 4, None),
    ],
}
