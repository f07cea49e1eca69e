"""The emoji picker's list (static/js/emoji.js): common emoji with English and German names to search by.
Small on purpose (a few hundred); the names are data, shown in the reader's language."""
from django.utils.translation import get_language

# emoji | English name | German name
_TABLE = """
😀|grinning face|grinsendes Gesicht
😃|smiling face with big eyes|lachendes Gesicht
😄|smiling face with smiling eyes|lachendes Gesicht mit lachenden Augen
😁|beaming face|strahlendes Gesicht
😆|laughing|lachen
😅|sweat smile|verlegen lachen Schweiß
😂|tears of joy|Freudentränen
🤣|rolling on the floor laughing|vor Lachen auf dem Boden rollen
😊|blush smiling|lächeln erröten
😇|halo angel|Heiligenschein Engel
🙂|slightly smiling|leicht lächeln
🙃|upside down|umgedreht
😉|wink|zwinkern
😌|relieved|erleichtert
😍|heart eyes|Herzaugen verliebt
🥰|smiling with hearts|lächeln mit Herzen
😘|blowing a kiss|Kuss zuwerfen
😋|yum delicious|lecker
😛|tongue out|Zunge raus
😜|winking tongue|zwinkern Zunge
🤪|zany crazy|verrückt
🤨|raised eyebrow|hochgezogene Augenbraue
🧐|monocle|Monokel
🤓|nerd|Streber
😎|cool sunglasses|cool Sonnenbrille
🥳|party face|Partygesicht feiern
😏|smirk|grinsen süffisant
😒|unamused|unbeeindruckt
😞|disappointed|enttäuscht
😔|pensive|nachdenklich
😟|worried|besorgt
😕|confused|verwirrt
🙁|slightly frowning|leicht traurig
😣|persevering|durchhalten
😖|confounded|verwirrt frustriert
😫|tired|müde
😩|weary|erschöpft
🥺|pleading|bittend
😢|crying|weinen
😭|sobbing|schluchzen
😤|huffing triumph|schnauben
😠|angry|verärgert
😡|pouting rage|wütend
🤯|mind blown|umgehauen
😳|flushed|errötet
🥵|hot|heiß
🥶|cold|kalt
😱|screaming in fear|Angstschrei
😨|fearful|ängstlich
😰|anxious sweat|ängstlich Schweiß
😥|sad but relieved|traurig aber erleichtert
🤗|hug|Umarmung
🤔|thinking|nachdenken
🤭|hand over mouth|Hand vor dem Mund
🤫|shush quiet|psst leise
😶|no mouth speechless|sprachlos
😐|neutral|neutral
😑|expressionless|ausdruckslos
😬|grimace|Grimasse
🙄|eye roll|Augen rollen
😯|hushed surprised|erstaunt
😮|open mouth wow|offener Mund staunen
😲|astonished|verblüfft
🥱|yawn|gähnen
😴|sleeping|schlafen
😪|sleepy|schläfrig
😷|mask sick|Maske krank
🤒|thermometer fever|Fieber Thermometer
🤕|bandage hurt|Verband verletzt
🤢|nauseated|übel
🤧|sneezing|niesen
😵|dizzy|schwindlig
🤠|cowboy|Cowboy
👻|ghost|Gespenst
💀|skull|Totenkopf
👽|alien|Außerirdischer
🤖|robot|Roboter
😺|cat smile|Katze lächeln
🙈|see no evil|nichts sehen Affe
🙉|hear no evil|nichts hören Affe
🙊|speak no evil|nichts sagen Affe
👋|wave hello|winken hallo
🤚|raised back of hand|erhobene Hand
✋|raised hand stop|Hand hoch stopp
🖖|vulcan salute|vulkanischer Gruß
👌|ok hand|okay Hand
🤌|pinched fingers|zusammengedrückte Finger
✌️|victory peace|Sieg Frieden
🤞|crossed fingers luck|Daumen drücken Glück
🤟|love you gesture|ich liebe dich Geste
🤙|call me|ruf mich an
👈|point left|links zeigen
👉|point right|rechts zeigen
👆|point up|nach oben zeigen
👇|point down|nach unten zeigen
☝️|index up|Zeigefinger oben
👍|thumbs up yes|Daumen hoch ja
👎|thumbs down no|Daumen runter nein
✊|raised fist|erhobene Faust
👊|fist bump|Faustgruß
👏|clapping applause|klatschen Applaus
🙌|raising hands hooray|Hände hoch hurra
👐|open hands|offene Hände
🤲|palms up|Handflächen nach oben
🤝|handshake deal|Handschlag Abmachung
🙏|folded hands thanks please|gefaltete Hände danke bitte
✍️|writing|schreiben
💪|strong muscle|stark Muskel
🧠|brain|Gehirn
🫀|anatomical heart|anatomisches Herz
🦷|tooth|Zahn
🦴|bone|Knochen
👀|eyes looking|Augen schauen
👁️|eye|Auge
👶|baby|Baby
🧒|child|Kind
🧑|person|Person
👩|woman|Frau
👨|man|Mann
🧓|older person|ältere Person
🧑‍⚕️|health worker|Gesundheitsfachkraft
👩‍⚕️|woman doctor|Ärztin
👨‍⚕️|man doctor|Arzt
🧑‍🔬|scientist|Wissenschaftler
🧑‍💻|technologist|Informatiker
🧑‍🏫|teacher|Lehrer
🧑‍💼|office worker|Büroangestellter
🙋|raising hand|Hand heben melden
🤷|shrug|Achselzucken
🤦|facepalm|Hand vor die Stirn
🙆|gesturing ok|Geste okay
🙅|gesturing no|Geste nein
💁|tipping hand|Info
🧘|meditation|Meditation
🏃|running|rennen
🚶|walking|gehen
👥|people group|Gruppe Leute
❤️|red heart love|rotes Herz Liebe
🧡|orange heart|orangefarbenes Herz
💛|yellow heart|gelbes Herz
💚|green heart|grünes Herz
💙|blue heart|blaues Herz
💜|purple heart|lila Herz
🖤|black heart|schwarzes Herz
💔|broken heart|gebrochenes Herz
💯|hundred points|hundert Punkte
💥|collision boom|Knall
💫|dizzy star|Sternchen
💬|speech balloon|Sprechblase
💭|thought balloon|Gedankenblase
💤|zzz sleep|Schlaf
✨|sparkles|Funkeln
⭐|star|Stern
🌟|glowing star|leuchtender Stern
🔥|fire|Feuer
⚡|lightning|Blitz
☀️|sun|Sonne
🌤️|sun behind cloud|Sonne hinter Wolke
🌧️|rain|Regen
❄️|snowflake|Schneeflocke
🌈|rainbow|Regenbogen
🌍|globe europe|Erde Europa
🌱|seedling|Keimling
🌳|tree|Baum
🌸|blossom|Blüte
🍀|four leaf clover luck|Kleeblatt Glück
🍎|apple|Apfel
🍕|pizza|Pizza
🍰|cake|Kuchen
🎂|birthday cake|Geburtstagskuchen
☕|coffee|Kaffee
🍵|tea|Tee
🍺|beer|Bier
🥂|cheers toast|anstoßen Prost
🍾|champagne|Sekt
🎉|party popper tada|Konfetti feiern
🎊|confetti ball|Konfettiball
🎈|balloon|Luftballon
🎁|gift|Geschenk
🏆|trophy|Pokal
🥇|first place medal|Goldmedaille erster Platz
🎯|bullseye target|Volltreffer Ziel
🚀|rocket launch|Rakete Start
✈️|airplane|Flugzeug
🚆|train|Zug
🚗|car|Auto
🚲|bicycle|Fahrrad
🏥|hospital|Krankenhaus
🏢|office building|Bürogebäude
🏫|school|Schule
🏛️|institution|Institution
🏠|house home|Haus Zuhause
⏰|alarm clock|Wecker
⏳|hourglass|Sanduhr
⌛|time up|Zeit abgelaufen
📅|calendar|Kalender
📆|tear off calendar|Abreißkalender
🗓️|spiral calendar|Terminkalender
📌|pushpin|Stecknadel anheften
📍|location pin|Ortsmarke
📎|paperclip attachment|Büroklammer Anhang
✂️|scissors|Schere
📝|memo note|Notiz
✏️|pencil|Bleistift
🖊️|pen|Stift
📄|document page|Dokument Seite
📑|bookmark tabs|Registerkarten
📊|bar chart|Balkendiagramm
📈|chart up|Diagramm steigend
📉|chart down|Diagramm fallend
📋|clipboard|Klemmbrett
📁|folder|Ordner
📂|open folder|offener Ordner
🗂️|card index|Karteikasten
📚|books|Bücher
📖|open book|offenes Buch
🔖|bookmark|Lesezeichen
🔗|link|Link Verknüpfung
📧|email|E-Mail
📨|incoming envelope|eingehende Nachricht
📮|postbox|Briefkasten
📞|telephone|Telefon
📱|mobile phone|Handy
💻|laptop|Laptop
🖥️|desktop computer|Computer
🖨️|printer|Drucker
⌨️|keyboard|Tastatur
💾|floppy save|Diskette speichern
🔍|search magnifier|Suche Lupe
💡|idea light bulb|Idee Glühbirne
🔔|bell|Glocke
🔕|muted bell|Glocke stumm
📣|megaphone announcement|Megafon Ankündigung
🔒|locked|verschlossen
🔓|unlocked|offen
🔑|key|Schlüssel
🛠️|tools|Werkzeuge
⚙️|gear settings|Zahnrad Einstellungen
🧪|test tube|Reagenzglas
🔬|microscope|Mikroskop
🧬|dna|DNA Erbgut
💊|pill|Tablette
💉|syringe vaccine|Spritze Impfung
🩺|stethoscope|Stethoskop
🩹|adhesive bandage|Pflaster
🩻|x-ray|Röntgen
🧑‍🦽|wheelchair|Rollstuhl
🚑|ambulance|Krankenwagen
💰|money bag|Geldsack
💶|euro|Euro
💳|credit card|Kreditkarte
⚖️|balance scale|Waage
✅|check done|erledigt Haken
☑️|ballot box check|Kästchen abgehakt
✔️|check mark|Häkchen
❌|cross mark|Kreuz falsch
❎|cross button|Kreuz Schaltfläche
➕|plus|plus
➖|minus|minus
❓|question|Frage
❗|exclamation|Ausrufezeichen
⚠️|warning|Warnung
🚫|prohibited|verboten
⛔|no entry|Zutritt verboten
🆗|ok button|OK
🆕|new|neu
🆘|sos help|SOS Hilfe
🔴|red circle|roter Kreis
🟠|orange circle|orangefarbener Kreis
🟡|yellow circle|gelber Kreis
🟢|green circle|grüner Kreis
🔵|blue circle|blauer Kreis
⬆️|up arrow|Pfeil nach oben
⬇️|down arrow|Pfeil nach unten
➡️|right arrow|Pfeil nach rechts
⬅️|left arrow|Pfeil nach links
🔄|repeat arrows|wiederholen Pfeile
🔝|top|top
🏁|finish flag|Zielflagge
🚩|red flag|rote Fahne
🇩🇪|flag germany|Flagge Deutschland
🇪🇺|flag european union|Flagge Europäische Union
"""
EMOJI = [tuple(line.split("|")) for line in _TABLE.strip().splitlines()]


def emoji_list() -> list[list[str]]:
    """[emoji, name in the reader's language, words to search by (both languages)] for the page's config."""
    german = (get_language() or "").startswith("de")
    return [[emoji, german_name if german else english, f"{english} {german_name}".lower()]
            for emoji, english, german_name in EMOJI]
