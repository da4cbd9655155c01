"""English for the web UI, on request (`?lang=en` sets a `lang` cookie); Dutch is the source text.

Templates wrap every visible Dutch string in `{{ _("…") }}`; `_` (made per render in
`server.render.Renderer.render`) calls `translate(text, lang)`, which looks the Dutch text up in
`EN`. Sentences with values are one message with `{name}` placeholders, filled with `.format(…)`
after translation. A Dutch text without an entry is shown as it is (a test checks there is none).

Domain words stay recognisable: where the Dutch term is the users' own word (huurkorting,
onrendabele top, sluitpost, the three chambers) the English says it in English with the Dutch in
parentheses the first time it matters, following the glossary in FINANCE.md.
"""
from __future__ import annotations

LANGS = ("nl", "en")

EN: dict[str, str] = {
    # --- page frame (base.html, home.html, join.html, player/console/screen.html) -------------
    "Verbinding herstellen…": "Reconnecting…",
    "Geen verbinding met de server; probeer het zo opnieuw.": "No connection to the server; please try again in a moment.",
    "Spel {code}": "Game {code}",
    "Een spel voor woningcorporaties: speel de Vermogenskamer, de Vastgoedkamer en de Maatschappelijke Kamer, elke ronde een andere.":
        "A game for housing associations (woningcorporaties): play the Vermogenskamer (fund manager), "
        "the Vastgoedkamer (asset manager) and the Maatschappelijke Kamer (social manager), a different one every round.",
    "Meedoen": "Join", "Spelcode": "Game code", "Naam": "Name", "Nieuw spel": "New game",
    "Spelleider": "Facilitator", "Scenario": "Scenario", "1 ronde": "1 round", "{n} rondes": "{n} rounds",
    "Aantal tafels": "Number of tables", "Spel openen": "Open the game",
    "Meedoen met spel {code}": "Join game {code}", "Je naam": "Your name",

    # --- phases (server.render.PHASES) ----------------------------------------------------------
    "Lobby": "Lobby", "Kader kiezen": "Choosing the frame", "Keuzes maken": "Making choices",
    "Ronde gesloten": "Round locked", "Uitkomst": "Outcome", "Afgelopen": "Finished",

    # --- shared words -----------------------------------------------------------------------------
    "Ronde": "Round", "van": "of", "Ronde {n} van {m}": "Round {n} of {m}",
    "Tafel": "Table", "Tafel {n}": "Table {n}", "Spelers": "Players", "{n} spelers": "{n} players",
    "Kader": "Frame", "kader": "frame", "Huurbeleid": "Rent policy", "huurbeleid": "rent policy",
    "Projecten": "Projects", "Programma's": "Programmes", "programma's": "programmes",
    "Maatschappelijk budget": "Social budget (maatschappelijk budget)",
    "Maatsch. budget": "Social budget", "Leenruimte": "Borrowing room", "Geschiedenis": "History",
    "standaard": "default", "gekozen": "chosen", "Kies": "Choose", "Kies {name}": "Choose {name}",
    "Woningen": "Homes", "Vermogensgroei": "Equity growth", "Huurkorting": "Rent discount (huurkorting)",
    "Solvabiliteit": "Solvency", "Bevestigd": "Confirmed", "Bevestigen": "Confirm",
    "Wachten op de spelleider": "Waiting for the facilitator", "Jij bent": "You are",
    "gepauzeerd": "paused", "start": "start", "Code": "Code", "code": "code", "spel": "game",
    "Ga naar": "Go to",

    # --- facilitator console (console_game.html) -------------------------------------------------
    "of vul code": "or enter code", "in op": "at",
    "Groot scherm (beamer)": "Big screen (projector)", "Export (JSON)": "Export (JSON)",
    "Bediening": "Controls", "Start het spel": "Start the game", "Sluit de ronde": "Lock the round",
    "Toon de uitkomst": "Reveal the outcome", "Heropen de ronde": "Re-open the round",
    "Volgende ronde": "Next round", "Naar de resultaten": "To the results",
    "Het spel beëindigen?": "End the game?", "Beëindig het spel": "End the game",
    "Klok": "Clock", "Verder": "Resume", "Pauze": "Pause", "Klok uit": "Clock off",
    "Loopt de klok af, dan sluit de ronde vanzelf; wat niet bevestigd is, krijgt de standaardkeuze (en staat als 'timed_out' in het logboek).":
        "When the clock runs out the round locks by itself; whatever is not confirmed gets the default "
        "choice (and is logged as 'timed_out').",
    "Rol deze ronde": "Role this round", "Acties": "Actions", "Por": "Nudge",
    "{name} uit het spel halen?": "Remove {name} from the game?", "Verwijder": "Remove",
    "Nog niemand. Laat spelers de QR-code scannen.": "Nobody yet. Let players scan the QR code.",
    "leningen": "loans",
    "Maatsch. budget gebruikt {used} van {budget} · huurkorting {share} ervan":
        "Social budget used {used} of {budget} · rent discount (huurkorting) {share} of it",

    # --- player phone (player_game.html) ---------------------------------------------------------
    "De spelleider vraagt je om je keuzes af te ronden en te bevestigen.":
        "The facilitator asks you to finish your choices and confirm them.",
    "Het spel staat even stil. Je kunt kijken, maar nog niets kiezen.":
        "The game is paused. You can look, but not choose anything yet.",
    "De spelleider heeft je uit het spel gehaald.": "The facilitator has removed you from the game.",
    "Je zit in spel": "You are in game",
    "Zodra de spelleider start, krijg je een tafel en een rol.":
        "As soon as the facilitator starts, you get a table and a role.",
    "Je hebt nog geen tafel.": "You do not have a table yet.",
    "Gebeurtenis dit jaar: {name}.": "Event this year: {name}.",
    "Aan tafel": "At the table",
    "{used} gebruikt van {budget}": "{used} used of {budget}",
    "nog {amount}": "{amount} left",
    "sluitpost: {used} gebruikt (geen vooraf vastgesteld budget)":
        "balancing item (sluitpost): {used} used (no budget fixed in advance)",
    "{loans} geleend van {cap}": "{loans} borrowed of {cap}",
    "Bijzonder beheer: vorig jaar is een norm gebroken; het WSW leent dit jaar niets.":
        "Special supervision (bijzonder beheer): a norm was broken last year; the guarantee fund (WSW) lends nothing this year.",
    "Hoeveel van het verwachte nettodividend wordt dit jaar maatschappelijk budget, en hoeveel mag geleend worden.":
        "How much of the expected net dividend becomes social budget this year, and how much may be borrowed.",
    "Vermogensgroei gepland": "Planned equity growth", "Leenplafond": "Borrowing cap",
    "Zonder keuzes: ICR {icr}, LTV {ltv}, solvabiliteit {solvency}.":
        "Without choices: ICR {icr}, LTV {ltv}, solvency {solvency}.",
    "Vastgoedkamer kiest, Maatschappelijke Kamer dekt de onrendabele top":
        "the Vastgoedkamer selects, the Maatschappelijke Kamer covers the unprofitable top (onrendabele top)",
    "gaat door": "goes ahead", "top niet gedekt: gaat niet door": "top not covered: does not go ahead",
    "Investering": "Investment", "onrendabele top": "unprofitable top", "nieuwe leningen": "new loans",
    "Geselecteerd ✓": "Selected ✓", "Selecteer": "Select", "Top gedekt ✓": "Top covered ✓",
    "Dek de top": "Cover the top", "Gekozen ✓": "Chosen ✓",
    "Huurbeleid en programma's": "Rent policy and programmes",
    "Huurkorting {amount} t.o.v. inflatievolgend": "Rent discount (huurkorting) {amount} compared with inflation-linked",
    "De Vermogenskamer kiest eerst het kader; daarna kiezen de Vastgoedkamer en de Maatschappelijke Kamer.":
        "The Vermogenskamer chooses the frame first; then the Vastgoedkamer and the Maatschappelijke Kamer choose.",
    "Gevolgen van dit pakket (live)": "Consequences of this package (live)",
    "Maatschappelijk budget naar categorie": "Social budget by category",
    "De ronde is gesloten.": "The round is locked.", "Wachten op de uitkomst.": "Waiting for the outcome.",
    "Eerst een kader": "Choose a frame first",
    "Een wijziging aan tafel vraagt opnieuw bevestigen.": "A change at the table needs confirming again.",
    "Alle tafels": "All tables",

    # --- big screen (screen_game.html) -----------------------------------------------------------
    "Doe mee met {name}": "Join {name}",
    "{n} van {m} kamers bevestigd": "{n} of {m} chambers confirmed",
    "kader gekozen": "frame chosen", "kader nog niet gekozen": "frame not chosen yet",
    "Maatsch. budget gebruikt": "Social budget used", "waarvan huurkorting": "of which rent discount",

    # --- figures, history, decisions (macros.html, results.html) ---------------------------------
    "Extra onderhoud": "Extra maintenance", "Extra beheer": "Extra management",
    "Leefbaarheid (basis)": "Liveability (base)", "Onrendabele toppen": "Unprofitable tops (onrendabele toppen)",
    "Totaal gebruikt": "Total used", "Kasstroom (ocf)": "Cash flow (ocf)", "Kas eind jaar": "Cash at year end",
    "Schuld": "Debt", "Nieuwe leningen": "New loans", "Aandeel label E-G": "Share label E-G",
    "Gem. huur": "Avg. rent", "Vochtwoningen": "Damp homes", "Leefbaarheid {name}": "Liveability {name}",
    "Jaar": "Year", "Solv.": "Solv.", "Kas": "Cash", "gebruikt": "used", "Verm.groei": "Equity growth",
    "huurstijging": "rent increase", "niet door (top niet gedekt)": "not going ahead (top not covered)",
    "standaard gezet": "set to default",
    "Resultaten": "Results", "Beslissingen per ronde": "Decisions per round",
    "Nog geen jaren gespeeld.": "No years played yet.",

    # --- Prioriteitenspel (prio_*.html; texts wrapped there so far) ------------------------------
    "Start de ronde": "Start the round", "Onthul de pakketten": "Reveal the packages",
    "Leg het pakket vast": "Settle the package", "Jij vertegenwoordigt": "You represent",
    "Pakket indienen": "Submit package", "Indienen": "Submit", "Akkoord": "Agree", "Bezwaar": "Object",
    "In": "In", "besteed": "spent", "naar rato": "pro rata (naar rato)", "naar opgave": "by need (naar opgave)",
    "Meeste steun": "Most support", "Gelijke aandelen (MES)": "Equal shares (MES)",
    'Nabespreking': 'Debrief',
    'Vaste link voor een reeks workshops': 'Reusable link for a series of workshops',
    'Volgende sessie (zelfde link)': 'Next session (same link)',
    'Rotatie uitzetten': 'Switch rotation off',
    'Rotatie aanzetten': 'Switch rotation on',
    'Een verlaten plek: telt als bevestigd; bij het sluiten geldt de standaardregel.': 'An abandoned seat: counts as confirmed; at the lock the default rule applies.',
    'Autopiloot uit': 'Autopilot off',
    'Autopiloot': 'Autopilot',
    'Ruil van plek met': 'Swap seats with',
    'Ruil met…': 'Swap with…',
    'autopiloot': 'autopilot',
    "Loopt de klok af, dan sluit de ronde vanzelf: wat een tafel al gekozen had blijft staan, een ontbrekend kader of huurbeleid krijgt de standaardkeuze, en de tafel staat als 'timed_out' in het logboek.": "When the clock runs out the round locks by itself: what a table had chosen stands, a missing frame or rent policy gets the default, and the table is marked 'timed_out' in the log.",
    "Loopt de klok af, dan sluit de ronde vanzelf: een tafel die niet bevestigd heeft krijgt de standaardkeuzes, en staat als 'timed_out' in het logboek.": "When the clock runs out the round locks by itself: a table that has not confirmed gets the default choices and is marked 'timed_out' in the log.",
    'tijd verstreken': 'time up',
    'De tijd is om.': 'Time is up.',
    'Wat jullie tafel gekozen had, telt; wat ontbrak kreeg de standaardkeuze.': 'What your table had chosen counts; what was missing got the default.',
    'Jullie tafel had niet bevestigd en krijgt de standaardkeuzes.': 'Your table had not confirmed and gets the default choices.',
    # debrief, exports and print
    'Spel': 'Game',
    'Wat opviel': 'What stood out',
    'Tafels vergeleken': 'Tables compared',
    'Verloop per tafel': 'Trajectory per table',
    'Gebeurtenis': 'Event',
    'Wie': 'Who',
    'Besluit': 'Decision',
    'Gemiddelde huur per maand': 'Average rent per month',
    'Leefbaarheid': 'Liveability',
    'budget vooraf (grens)': 'budget set in advance (limit)',
    'kader (geen grens)': 'frame amount (no limit)',
    'voorgesteld': 'proposed',
    'gedekt': 'covered',
    'geen projecten': 'no projects',
    "geen programma's": 'no programmes',
    'klok verlopen': 'timed out',
    'Nog geen jaren onthuld.': 'No years revealed yet.',
    'Geen bijzonderheden gevonden.': 'Nothing notable found.',
    'Eind': 'End',
    'Begin': 'Start',
    'Vermogensgroei (som)': 'Equity growth (total)',
    'Maatschappelijk budget gebruikt (som)': 'Social budget used (total)',
    'Onrendabele toppen gedekt (som)': 'Unprofitable tops covered (total)',
    'Projecten door': 'Projects that went ahead',
    'Projecten niet door': 'Projects that did not go ahead',
    'Normen gebroken': 'Norms broken',
    'geen': 'none',
    'ronde': 'round',
    'gespeeld': 'played',
    'Spelleider: exporteer': 'Facilitator: export',
    'Download PDF': 'Download PDF',
    'Afdrukken': 'Print',
    'Ladder': 'Ladder',
    'Rode stippellijn: de norm.': 'Dashed red line: the norm.',
    'Budget vooraf vastgesteld: het kon opraken, en een project waarvan de onrendabele top niet gedekt was ging niet door.': 'Budget fixed in advance: it could run out, and a project whose unprofitable top was not covered did not go ahead.',
    'Budget achteraf berekend (sluitpost): wat de kamers besloten, bepaalde het budget.': 'Budget computed afterwards (residual): what the chambers decided set the budget.',
    'Optiekaarten': 'Option cards',
    'Stembiljet': 'Ballot',
    'Vermogenskamer': 'Vermogenskamer (fund manager)',
    'Vastgoedkamer': 'Vastgoedkamer (asset manager)',
    'Maatschappelijke Kamer': 'Maatschappelijke Kamer (social manager)',
    'Beginstand van het scenario': "The scenario's opening state",
    'Invloed ten opzichte van niets doen': 'Effect compared with doing nothing',
    'Onrendabele top': 'Unprofitable top',
    'Namen': 'Names',
    'Handtekening': 'Signature',
    'Kies één kader': 'Choose one frame',
    'Kies projecten': 'Choose projects',
    'Kies één huurbeleid': 'Choose one rent policy',
    "Kies programma's": 'Choose programmes',
    'Dek onrendabele toppen': 'Cover unprofitable tops',
    'Aandeel': 'Share',
    'ICR-doel': 'ICR target',
    'Huurstijging': 'Rent increase',
    'Kosten huurkorting': 'Rent discount cost',
    'Totaal': 'Total',
    'Kosten': 'Cost',
    'Budget': 'Budget',
    'Posten': 'Posts',
    'Partij': 'Party',
    'Eigen pakket': 'Own package',
    'Gelijke aandelen': 'Equal shares',
    'Afgesproken': 'Agreed',
    'Zonder pakket': 'No package',
    'Pakketten vergeleken': 'Packages compared',
    'Gevolgen': 'Consequences',
    'Gemeente': 'Municipality',
    'Thema': 'Theme',
    'Nog niets onthuld.': 'Nothing revealed yet.',
    'Iedereen': 'Everyone',
    'hele regio': 'whole region',
    'Kies posten binnen je budget': 'Choose posts within your budget',
    'Onthulde pakketten': 'Revealed packages',
    'Wie koos wat': 'Who chose what',
    'Papieren stembiljet voor als de wifi uitvalt. Kruis aan, tel op, en geef het aan de spelleider.': 'Paper ballot for when the Wi-Fi fails. Tick, add up, and hand it to the facilitator.',
    'Optiekaarten met hun vooraf berekende effecten.': 'Option cards with their pre-computed effects.',
    'ICR, LTV en solvabiliteit tegen hun normen': 'ICR, LTV and solvency against their norms',
    'Woningen, energielabels, huur en leefbaarheid': 'Homes, energy labels, rent and liveability',
    'Eindstand en totalen': 'End position and totals',
    'in': 'in',
    'jaar': 'year',
    'Bevestigd met de standaardkeuze': 'Confirmed with the default',
    'Zonder keuzes': 'Without choices',
    'zonder keuzes': 'without choices',
    'van het netto dividend': 'of the net dividend',
    'Huurinkomsten': 'Rent income',
    'een project gaat alleen door als de Maatschappelijke Kamer de top dekt.': 'a project only goes ahead if the Maatschappelijke Kamer covers its top.',
    'sluitpost': 'residual (sluitpost)',
    'punten te verdelen': 'points to spread',
    'punten': 'points',
    'al vast zonder keuzes': 'already committed without choices',
    'Export (CSV, Excel)': 'Export (CSV, Excel)',
    'Veeg de tabel opzij voor meer kolommen →': 'Swipe the table sideways for more columns →',
    'Eenmalige kosten': 'One-off expense', 'ten laste van de kasstroom': 'charged to the cash flow',

    # --- Prioriteitenspel (prio_player.html, prio_console.html, prio_screen.html) ---------------
    # phases and statuses
    "Eigen pakketten": "Own packages", "Onthulling": "Reveal", "Gezamenlijk pakket": "Joint package",
    "Leeg": "Empty", "Concept": "Draft", "Ingediend ✓": "Submitted ✓", "Gesloten": "Locked",
    "leeg": "empty", "concept": "draft",
    # shared words and sentences
    "1 post": "1 post", "{n} posten": "{n} posts", "Post": "Post", "{a} van {b}": "{a} of {b}",
    "Steun": "Support", "Gezamenlijk": "Joint", "jij": "you", "geen posten": "no posts",
    "geen spelers": "no players", "Niets gekozen": "Nothing chosen", "Nog geen posten": "No posts yet",
    "solv.": "solv.", "woningen": "homes",
    "onder de norm": "below the norm", "dicht bij de norm": "close to the norm",
    "ruim binnen de norm": "well within the norm",
    "Kosten over {n} jaar": "Cost over {n} years", "kosten over {n} jaar": "cost over {n} years",
    "Zonder": "Without", "Met jouw pakket": "With your package",
    "Gevolgen in {year}": "Consequences in {year}",
    "Gevolgen in {year} naast elkaar": "Consequences in {year} side by side",
    "Besteed: deel van het geld dat in de gemeente landt. Naar rato: haar deel van de woningvoorraad. Naar opgave: haar deel van de opgave.":
        "Spent: the share of the money that lands in the municipality. Pro rata (naar rato): its share of "
        "the housing stock. By need (naar opgave): its share of the task ahead (opgave).",
    "niet ingediend: laatste concept telt": "not submitted: the last draft counts",
    "Het spel is beëindigd voordat de pakketten werden onthuld.": "The game was ended before the packages were revealed.",
    "Het spel is beëindigd zonder gezamenlijke ronde; hieronder de onthulling.":
        "The game was ended without a joint round; the reveal is below.",
    # the two joint packages and the reveal
    "Posten op volgorde van het aantal partijen dat ze koos, zolang het gezamenlijke budget het toelaat.":
        "Posts in order of the number of parties that chose them, as long as the joint budget allows.",
    "Elke partij krijgt een gelijk deel van het budget en betaalt mee aan de posten die zij koos (Method of Equal Shares).":
        "Every party gets an equal share of the budget and pays towards the posts it chose (Method of Equal Shares).",
    "Aandeel per partij": "Share per party", "(geld naar posten die zij koos)": "(money for posts it chose)",
    "afgerond: samen {total} %": "rounded: together {total} %",
    "Samen meer dan 100 %: een post die meerdere partijen kozen, telt voor elk van hen.":
        "Together more than 100 %: a post that several parties chose counts for each of them.",
    "Met lege handen": "Empty-handed", "Iedereen krijgt iets": "Everyone gets something",
    "Geld per gemeente": "Money per municipality", "Wie betaalt wat (MES)": "Who pays what (MES)",
    "Door niemand gekozen:": "Chosen by nobody:", "Getallen: punten per partij.": "Numbers: points per party.",
    "Een stip: de partij koos deze post.": "A dot: the party chose this post.",
    "Groen: door iedereen gekozen.": "Green: chosen by everyone.",
    "Door iedereen gekozen ({n}):": "Chosen by everyone ({n}):",
    "Geen post werd door iedereen gekozen.": "No post was chosen by everyone.",
    "Meest gedeeld ({n} van {m} partijen):": "Most shared ({n} of {m} parties):",
    "Onthulling: de eigen pakketten naast elkaar": "Reveal: every party's own package side by side",
    "Jouw pakket in de gezamenlijke pakketten": "Your package in the joint packages",
    "Van jouw pakket ({cost}, {posts}) neemt <strong>meeste steun {greedy}</strong> over en <strong>gelijke aandelen {mes}</strong>.":
        "Of your package ({cost}, {posts}), <strong>most support takes over {greedy}</strong> and <strong>equal shares {mes}</strong>.",
    "Twee gezamenlijke pakketten binnen het gezamenlijke budget van {budget}, berekend uit de eigen pakketten:":
        "Two joint packages within the joint budget of {budget}, computed from the parties' own packages:",
    # the joint round
    "meeste steun": "most support", "gelijke aandelen (MES)": "equal shares (MES)", "een leeg pakket": "an empty package",
    "Het afgesproken pakket": "The agreed package", "Begonnen vanuit {start}.": "Started from {start}.",
    "De spelleider stelt samen; elke partij geeft akkoord of maakt bezwaar. Elke wijziging vraagt opnieuw akkoord.":
        "The facilitator composes; every party agrees or objects. Every change asks for agreement again.",
    "akkoord ✓": "agreed ✓", "bezwaar ✗": "objects ✗", "geen oordeel": "no verdict", "nog niet": "not yet",
    "{n} van {m} akkoord": "{n} of {m} agreed", "{n} bezwaar": "{n} objecting",
    "Samenstellen": "Compose", "Gekozen door": "Chosen by",
    "Haal uit het pakket": "Take out of the package", "Voeg toe aan het pakket": "Add to the package",
    "Past niet meer in het gezamenlijke budget": "No longer fits in the joint budget",
    "Erin ✓": "In ✓", "Voeg toe": "Add", "Past niet": "Does not fit",
    # the debrief
    "Jouw partij:": "Your party:",
    "{kept} van jullie eigen pakket ({cost}) zit in het afgesproken pakket; bij meeste steun was dat {greedy}, bij gelijke aandelen {mes}.":
        "{kept} of your own package ({cost}) is in the agreed package; with most support it was {greedy}, with equal shares {mes}.",
    "{name} gaf het meest toe:": "{name} gave way most:",
    "{kept} van het eigen pakket ({cost}) zit in het afgesproken pakket.": "{kept} of its own package ({cost}) is in the agreed package.",
    "{name} hield het meest over:": "{name} kept the most:",
    "{kept} van het eigen pakket zit in het afgesproken pakket.": "{kept} of its own package is in the agreed package.",
    "Het afgesproken pakket kost {cost} van {budget} en telt {posts}.": "The agreed package costs {cost} of {budget} and has {posts}.",
    "Akkoord bij het vastleggen: {n} van de {m} partijen": "Agreed when it was settled: {n} of the {m} parties",
    "bezwaar": "objection", "akkoord": "agreed", "nog niet gegeven": "not given yet",
    "Ten opzichte van gelijke aandelen (MES)": "Compared with equal shares (MES)",
    "kwam erbij: {posts}": "added: {posts}", "viel af: {posts}": "dropped: {posts}",
    "Het is gelijk aan het pakket van gelijke aandelen (MES).": "It equals the equal-shares (MES) package.",
    "Gemeenschappelijke grond: {posts} die iedereen koos ({ids}).": "Common ground: {posts} that everyone chose ({ids}).",
    "Geen enkele post werd door iedereen gekozen.": "Not a single post was chosen by everyone.",
    "{name} won {n} procentpunt ten opzichte van gelijke aandelen.": "{name} gained {n} percentage points compared with equal shares.",
    "{name} leverde {n} procentpunt in ten opzichte van gelijke aandelen.": "{name} gave up {n} percentage points compared with equal shares.",
    "Eigen": "Own", "Afspr.": "Agr.", "gaf het meest toe": "gave way most",
    "Percentages: welk deel van het geld van het eigen pakket terugkomt in het pakket van die kolom.":
        "Percentages: which share of the money of a party's own package comes back in that column's package.",
    "Eigen: de kosten van het eigen pakket in miljoenen euro.": "Own: the cost of the party's own package in millions of euros.",
    # the big screen
    "meedoen: {url}": "join: {url}",
    "van {m} partijen hebben hun pakket ingediend": "of {m} parties have submitted their package",
    "Elke partij stelt binnen haar eigen budget een pakket samen. Wat ze kiezen blijft geheim tot de onthulling.":
        "Every party puts together a package within its own budget. What they choose stays secret until the reveal.",
    "De ronde is gesloten. Zo meteen: de onthulling.": "The round is locked. Coming up: the reveal.",
    # the phone
    "De spelleider vraagt je je pakket af te ronden en in te dienen.": "The facilitator asks you to finish and submit your package.",
    "samen met {names}": "together with {names}",
    "De spelleider wijst je een partij toe, of de app doet dat bij de start.":
        "The facilitator assigns you a party, or the app does so at the start.",
    "Daarna stel je binnen het budget van je partij een eigen pakket samen.":
        "Then you put together your own package within your party's budget.",
    "Je vertegenwoordigt nog geen partij; de spelleider wijst je er een toe.":
        "You do not represent a party yet; the facilitator will assign you one.",
    "Jouw pakket": "Your package",
    "Nog niets gekozen. Kies posten binnen je budget en dien je pakket in.":
        "Nothing chosen yet. Choose posts within your budget and submit your package.",
    "Concept: nog niet ingediend.": "Draft: not submitted yet.",
    "Het telt pas als je het indient. De spelleider ziet alleen dát je een concept hebt, niet wat erin zit.":
        "It only counts once you submit it. The facilitator sees only that you have a draft, not what is in it.",
    "Ingediend.": "Submitted.", "Ontvangstbewijs": "Receipt", "ontvangstbewijs": "receipt",
    "Je kunt nog wijzigen tot de spelleider de ronde sluit; een wijziging maakt er weer een concept van, dien dan opnieuw in.":
        "You can still change it until the facilitator locks the round; a change turns it back into a draft, so submit again.",
    "Je had niet ingediend: je laatste concept ({cost}) telt mee.": "You had not submitted: your last draft ({cost}) counts.",
    "Je pakket ligt vast": "Your package is fixed", "Wachten op de onthulling.": "Waiting for the reveal.",
    "Verdeel {n} punten over de posten die jij belangrijk vindt.": "Spread {n} points over the posts you find important.",
    "Kies hele posten; samen passen ze binnen je budget van {budget}.":
        "Choose whole posts; together they fit within your budget of {budget}.",
    "Onderaan zie je de gevolgen van je pakket.": "Below you see the consequences of your package.",
    "jaarlijks programma": "yearly programme", "past niet meer: nog {amount} over": "no longer fits: {amount} left",
    "5 punten minder": "5 points fewer", "5 punten meer": "5 points more", "punten voor {post}": "points for {post}",
    "Gevolgen van jouw pakket": "Consequences of your package",
    "Het bezit van de corporatie in {year}, na {n} jaar, zonder en met jouw pakket.":
        "The corporation's holdings in {year}, after {n} years, without and with your package.",
    "Andere partijen": "Other parties", "{n} van {m} partijen ingediend.": "{n} of {m} parties submitted.",
    "Wat ze kiezen zie je pas bij de onthulling.": "You only see what they choose at the reveal.",
    "nog {n} punten": "{n} points left",
    "Jouw oordeel over het gezamenlijke pakket ({cost}, {posts}):": "Your verdict on the joint package ({cost}, {posts}):",
    # the console
    "Gezamenlijke ronde vanuit gelijke aandelen": "Joint round from equal shares",
    "… vanuit meeste steun": "… from most support", "… vanuit leeg": "… from empty",
    "Nog niet iedereen heeft ingediend. Toch sluiten? Van wie niet indiende telt het laatste concept.":
        "Not everyone has submitted. Lock anyway? For those who did not submit, the last draft counts.",
    "Het gezamenlijke pakket vastleggen en naar de nabespreking?": "Settle the joint package and go to the debrief?",
    "Zet zo nodig gewichten en wijs partijen toe hieronder; bij de start liggen budgetten en partijen vast.":
        "Set weights and assign parties below if needed; at the start budgets and parties are fixed.",
    "Nog niet ingediend:": "Not submitted yet:",
    "Por ze hieronder; sluit je toch, dan telt hun laatste concept.": "Nudge them below; if you lock anyway, their last draft counts.",
    "Iedereen heeft ingediend: je kunt de ronde sluiten.": "Everyone has submitted: you can lock the round.",
    "De ronde is gesloten; niemand kan nog wijzigen. Onthul, of heropen als je te vroeg sloot.":
        "The round is locked; nobody can change anything now. Reveal, or re-open if you locked too early.",
    "Kies het startpunt van de gezamenlijke ronde. Jij stelt samen op dit scherm; de partijen geven akkoord of maken bezwaar op hun telefoon.":
        "Choose the starting point of the joint round. You compose on this screen; the parties agree or object on their phones.",
    "Zet posten aan en uit in het gezamenlijke pakket hieronder. Elke wijziging vraagt opnieuw akkoord.":
        "Switch posts on and off in the joint package below. Every change asks for agreement again.",
    "Het spel is afgelopen. De nabespreking staat hieronder en op het grote scherm;":
        "The game is over. The debrief is below and on the big screen;",
    "exporteer de resultaten (JSON)": "export the results (JSON)",
    "Partijen": "Parties", "Gewicht": "Weight", "Deel": "Share", "Status": "Status",
    "gewicht {name}": "weight {name}", "Zet": "Set", "doet niet mee": "not taking part",
    "bewijs van indienen {code}": "submission receipt {code}",
    "Het ontvangstbewijs dat de partij kreeg bij het indienen": "The receipt the party got when it submitted",
    "Gelijke gewichten geven gelijke budgetten. Het budget van een partij is haar deel (naar gewicht) van {factor} × het gezamenlijke budget van {budget}.":
        "Equal weights give equal budgets. A party's budget is its share (by weight) of {factor} × the joint budget of {budget}.",
    "partij van {name}": "party of {name}", "automatisch bij de start": "automatically at the start",
    "Wie je niet toewijst, krijgt bij de start een partij op volgorde van binnenkomst.":
        "Whoever you do not assign gets a party at the start, in order of arrival.",
    # --- Prioriteitenspel: more private rounds, parties rotating --------------------------------
    "ronde {n}": "round {n}", "Ronde {n}": "Round {n}", "Eerdere rondes": "Earlier rounds",
    "Wie in elke eerdere ronde voor welke partij sprak, en wat die partij toen koos.":
        "Who spoke for which party in each earlier round, and what that party chose then.",
    "gespeeld door": "played by", "Pakket": "Package",
    "Gelijke aandelen (MES) koos in die ronde:": "Equal shares (MES) chose in that round:",
    "In ronde {n} sprak je voor {before}; kijk nu door de ogen van {now}.":
        "In round {n} you spoke for {before}; now look through the eyes of {now}.",
    "Je spreekt weer voor dezelfde partij als in ronde {n}.": "You speak for the same party as in round {n} again.",
    "Niemand hoefde iets in te leveren: elk eigen pakket zit helemaal in het afgesproken pakket.":
        "Nobody had to give anything up: every party's own package is wholly in the agreed package.",
    "Nog niet iedereen gaf akkoord: {n} van {m}.": "Not everyone has agreed yet: {n} of {m}.",
    "Verkoopopbrengst": "Sale proceeds", "boekwinst": "book gain",
    "De ICR van dit jaar rekent met de rente over de schuld aan het begin van het jaar; nieuwe leningen tellen vanaf volgend jaar mee.":
        "This year's ICR uses the interest on the debt at the start of the year; new loans count from next year.",
    "= (rente vanaf volgend jaar)": "= (interest from next year)",
    "klok verlopen: laatste concept telt": "clock ran out: the last draft counts",
    "klok verlopen: niet ingediend, telt niet mee": "clock ran out: not submitted, does not count",
    "De klok liep af voordat je indiende: je concept telt niet mee.": "The clock ran out before you submitted: your draft does not count.",
    "1 privéronde": "1 private round", "tot {n} privérondes": "up to {n} private rounds",
    "Nog een privéronde: partijen wisselen": "Another private round: parties rotate",
    "… met dezelfde partijen": "… with the same parties",
    "Of speel eerst nog een privéronde (ronde {n} van hoogstens {m}). Met wisselen spreekt elke speler dan voor de volgende partij in de lijst, met het budget van die partij; zo voelt iedereen een andere positie.":
        "Or play another private round first (round {n} of at most {m}). With rotation every player then speaks for the next party in the list, with that party's budget; so everyone feels another position.",
}


def translate(text: str, lang: str = "nl") -> str:
    """`text` (Dutch, the source) in `lang`; Dutch, or a text without a translation, stays as it is."""
    if lang == "en":
        return EN.get(text, text)
    return text
