"""Write ``cases.csv``: synthetic identifiers, written the many ways people write them, in comments.

Run from the project folder: ``.venv/bin/python tests/ingest/data/redaction/make_cases.py``.
The output is committed; this script is how it was made (seeded, so it is reproducible).
It does not use the detector: every expected span comes from how the case was built.

Every identifier is synthetic:

* NHS numbers: nine random digits and the Modulus 11 check digit computed here (NHS Digital
  data dictionary), numbers whose check would be 10 skipped;
* phone numbers: Ofcom's ranges kept for drama (07700 900xxx, 0113 496 0xxx and the other
  496 0xxx area ranges, 020 7946 0xxx, 01632 960xxx);
* e-mail addresses: at example.com, example.org, example.net or example.co.uk;
* postcodes: made up, in the format Royal Mail uses (area, district, sector, unit);
* names: invented combinations of first names and surnames.

Columns: ``case`` (an id), ``class``, ``text``, ``identifiers`` (each piece of text that must
disappear, joined by ``" || "``), ``note`` (how it is written).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from hand_cases import HAND, ORDINARY_WORDS

HERE = Path(__file__).resolve().parent
OUT = HERE / "cases.csv"
SEP = " || "

FIRST = [
    "Kerry",
    "Priya",
    "Siobhán",
    "Oluwaseun",
    "Aisha",
    "Wojciech",
    "Chidi",
    "Fatima",
    "Hannah",
    "Liam",
    "Megan",
    "Tomasz",
    "Agnieszka",
    "Ngozi",
    "Ravi",
    "Sunita",
    "Ciarán",
    "Aoife",
    "Bethany",
    "Jamal",
    "Kwame",
    "Leanne",
    "Gemma",
    "Stacey",
    "Nadia",
    "Yusuf",
    "Żaneta",
    "Bartosz",
    "Małgorzata",
    "Chloe",
    "Callum",
    "Jodie",
    "Shauna",
    "Mohammed",
    "Imran",
    "Deepak",
    "Anita",
    "Rhys",
    "Niamh",
    "Kieran",
    "Lauren",
    "Danielle",
    "Paulina",
    "Andrzej",
    "Sinead",
    "Tariq",
    "Samira",
    "Amir",
    "Gareth",
    "Bronwen",
    "Jolene",
    "Declan",
]
SURNAMES = [
    "Okafor",
    "Kowalski",
    "Patel",
    "Nguyen",
    "Haddad",
    "Begum",
    "Khan",
    "Evans",
    "Hughes",
    "McAllister",
    "O'Neill",
    "D'Souza",
    "Achterberg",
    "Smith-Jones",
    "Okonkwo",
    "Nowak",
    "Wiśniewski",
    "Brennan",
    "Gallagher",
    "Adeyemi",
    "Chaudhry",
    "Lowther",
    "Pemberton",
    "Thistlethwaite",
    "Fairbairn",
    "Mistry",
    "Ramsbottom",
    "Kaczmarek",
    "Oyelaran",
    "Farrelly",
]
PARTICLE_SURNAMES = ["de la Cruz", "van der Berg", "Ó Súilleabháin", "da Silva", "bin Yusuf"]


def nhs_digits(rng: random.Random) -> str:
    """Ten digits with a valid Modulus 11 check digit (NHS Digital data dictionary)."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        if digits[0] == 0:
            continue
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 10:
            continue
        return "".join(map(str, digits)) + str(0 if check == 11 else check)


def nhs_cases(rng: random.Random) -> list[tuple[str, list[str], str]]:
    forms = [
        ("3-3-4 space", lambda d: f"{d[:3]} {d[3:6]} {d[6:]}"),
        ("run together", lambda d: d),
        ("hyphens", lambda d: f"{d[:3]}-{d[3:6]}-{d[6:]}"),
        ("dots", lambda d: f"{d[:3]}.{d[3:6]}.{d[6:]}"),
        ("slashes", lambda d: f"{d[:3]}/{d[3:6]}/{d[6:]}"),
        ("underscores", lambda d: f"{d[:3]}_{d[3:6]}_{d[6:]}"),
        ("double spaces", lambda d: f"{d[:3]}  {d[3:6]}  {d[6:]}"),
        ("spaced hyphens", lambda d: f"{d[:3]} - {d[3:6]} - {d[6:]}"),
        ("double hyphens", lambda d: f"{d[:3]}--{d[3:6]}--{d[6:]}"),
        ("digit by digit", lambda d: " ".join(d)),
        ("digit by digit hyphens", lambda d: "-".join(d)),
        ("4-3-3", lambda d: f"{d[:4]} {d[4:7]} {d[7:]}"),
        ("4-3-3 hyphens", lambda d: f"{d[:4]}-{d[4:7]}-{d[7:]}"),
        ("3-3-4 spaced slashes", lambda d: f"{d[:3]} / {d[3:6]} / {d[6:]}"),
        ("mixed separators", lambda d: f"{d[:3]}.{d[3:6]} {d[6:]}"),
        ("pairs", lambda d: " ".join(d[i : i + 2] for i in range(0, 10, 2))),
    ]
    contexts = [
        "My NHS number is {}.",
        "nhs no: {} - please update my record",
        "NHS# {}",
        "{} is my number, I was told to quote it",
        "They lost my notes ({}) twice.",
        "Quote ref {} when you call",
        "my husband's nhs number {}, he was discharged without his tablets",
    ]
    out = []
    for i in range(64):
        note, form = forms[i % len(forms)]
        written = form(nhs_digits(rng))
        out.append((rng.choice(contexts).format(written), [written], note))
    return out


def phone_cases(rng: random.Random) -> list[tuple[str, list[str], str]]:
    def mobile() -> tuple[str, str]:
        return "7700", f"900{rng.randrange(1000):03d}"

    def leeds() -> tuple[str, str]:
        return rng.choice(["113", "114", "115", "116", "117", "118", "121", "131", "141"]), (
            f"496 0{rng.randrange(1000):03d}"
        )

    def london() -> tuple[str, str]:
        return "20", f"7946 0{rng.randrange(1000):03d}"

    def drama() -> tuple[str, str]:
        return "1632", f"960{rng.randrange(1000):03d}"

    forms = [
        ("national", lambda a, n: f"0{a} {n}"),
        ("national run together", lambda a, n: f"0{a}{n.replace(' ', '')}"),
        ("national hyphens", lambda a, n: f"0{a}-{n.replace(' ', '-')}"),
        ("national dots", lambda a, n: f"0{a}.{n.replace(' ', '.')}"),
        ("bracketed area code", lambda a, n: f"(0{a}) {n}"),
        ("bracketed, no space", lambda a, n: f"(0{a}){n.replace(' ', '')}"),
        ("+44", lambda a, n: f"+44 {a} {n}"),
        ("+44 run together", lambda a, n: f"+44{a}{n.replace(' ', '')}"),
        ("+44 (0)", lambda a, n: f"+44 (0){a} {n}"),
        ("+44 (0) spaced", lambda a, n: f"+44 (0) {a} {n}"),
        ("0044", lambda a, n: f"0044 {a} {n}"),
        ("0044 (0)", lambda a, n: f"0044 (0){a} {n}"),
        ("+44 hyphens", lambda a, n: f"+44-{a}-{n.replace(' ', '-')}"),
        ("3-3-3 mobile", lambda a, n: f"0{a[:3]} {a[3:]}{n[:2]} {n[2:].replace(' ', '')}"),
    ]
    contexts = [
        "Please ring me on {}",
        "my daughter's number is {} if you need her",
        "Tel: {}",
        "call {} after 5pm",
        "They rang from {} but nobody answered when I called back",
        "mob {}.",
        "{} is the best number",
    ]
    out = []
    kinds = [mobile, leeds, london, drama]
    for i in range(70):
        note, form = forms[i % len(forms)]
        area, number = kinds[(i // len(forms) + i) % len(kinds)]()
        written = form(area, number)
        kind = "mobile" if area == "7700" else "landline"
        out.append((rng.choice(contexts).format(written), [written], f"{note} {kind}"))
    return out


def email_cases(rng: random.Random) -> list[tuple[str, list[str], str]]:
    domains = ["example.com", "example.org", "example.net", "example.co.uk"]
    forms = [
        ("plain", lambda u, d: f"{u}@{d}"),
        ("upper case", lambda u, d: f"{u}@{d}".upper()),
        ("spaces around @", lambda u, d: f"{u} @ {d}"),
        ("[at] [dot]", lambda u, d: f"{u} [at] {d.replace('.', ' [dot] ')}"),
        ("(at) (dot)", lambda u, d: f"{u}(at){d.replace('.', '(dot)')}"),
        ("{at}", lambda u, d: f"{u}{{at}}{d}"),
        ("at dot words", lambda u, d: f"{u} at {d.replace('.', ' dot ')}"),
        ("AT DOT capitals", lambda u, d: f"{u} AT {d.replace('.', ' DOT ')}"),
        ("[AT] with real dots", lambda u, d: f"{u}[AT]{d}"),
        ("<at>", lambda u, d: f"{u} <at> {d}"),
        ("space before @", lambda u, d: f"{u} @{d}"),
    ]
    contexts = [
        "email me at {} please",
        "My email is {}",
        "Contact: {}.",
        "send the letter to {} not the old address",
        "{} - my son's email",
    ]
    out = []
    for i in range(66):
        first, last = rng.choice(FIRST), rng.choice(SURNAMES).replace("'", "")
        user = rng.choice(
            [f"{first}.{last}", f"{first[0]}{last}{rng.randrange(10, 99)}", f"{last}_{first}"]
        )
        user = user.encode("ascii", "ignore").decode().lower()
        note, form = forms[i % len(forms)]
        written = form(user, rng.choice(domains))
        out.append((rng.choice(contexts).format(written), [written], note))
    return out


def postcode_cases(rng: random.Random) -> list[tuple[str, list[str], str]]:
    areas = ["LE", "NE", "M", "B", "LS", "EH", "G", "CF", "BS", "NG", "SW", "E", "DE", "KY"]
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    forms = [
        ("upper case", lambda o, i: f"{o} {i}"),
        ("lower case", lambda o, i: f"{o} {i}".lower()),
        ("no space", lambda o, i: f"{o}{i}"),
        ("lower, no space", lambda o, i: f"{o}{i}".lower()),
        ("mixed case, two spaces", lambda o, i: f"{o.title()}  {i.lower()}"),
        ("title case", lambda o, i: f"{o.title()} {i.title()}"),
    ]
    contexts = [
        "I live at {} and the ambulance went to the wrong street",
        "postcode {}",
        "address: 14 Acacia Avenue, {}",
        "moved to {} last year",
        "{} - please send letters there",
    ]
    out = []
    for i in range(60):
        area = rng.choice(areas)
        outward = f"{area}{rng.randrange(1, 20)}"
        inward = f"{rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
        note, form = forms[i % len(forms)]
        written = form(outward, inward)
        out.append((rng.choice(contexts).format(written), [written], note))
    return out


MONTHS = "January February March April May June July August September October November December"


def dob_cases(rng: random.Random) -> list[tuple[str, list[str], str]]:
    months = MONTHS.split()
    cues = ["DOB", "D.O.B", "d.o.b.", "dob:", "Date of birth", "date of birth:", "born on"]
    cues += ["born", "DOB -", "D.O.B.", "Date Of Birth:", "DoB"]

    def suffix(d: int) -> str:
        return "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")

    forms = [
        ("dd/mm/yyyy", lambda d, m, y: f"{d:02d}/{m:02d}/{y}"),
        ("d.m.yy", lambda d, m, y: f"{d}.{m}.{y % 100:02d}"),
        ("dd-mm-yyyy", lambda d, m, y: f"{d:02d}-{m:02d}-{y}"),
        ("yyyy-mm-dd", lambda d, m, y: f"{y}-{m:02d}-{d:02d}"),
        ("12th March 1956", lambda d, m, y: f"{d}{suffix(d)} {months[m - 1]} {y}"),
        ("12 March 1956", lambda d, m, y: f"{d} {months[m - 1]} {y}"),
        ("March 12 1956", lambda d, m, y: f"{months[m - 1]} {d} {y}"),
        ("March 12th, 1956", lambda d, m, y: f"{months[m - 1]} {d}{suffix(d)}, {y}"),
        ("12 Mar 1956", lambda d, m, y: f"{d} {months[m - 1][:3]} {y}"),
        ("1st of June 1948", lambda d, m, y: f"{d}{suffix(d)} of {months[m - 1]} {y}"),
        ("d/m/yy", lambda d, m, y: f"{d}/{m}/{y % 100:02d}"),
    ]
    contexts = ["my {} {} so I am entitled", "{} {}", "Patient {} {}, please check records"]
    out = []
    for i in range(66):
        d, m, y = rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(1925, 2005)
        note, form = forms[i % len(forms)]
        cue = cues[i % len(cues)]
        written = form(d, m, y)
        out.append((rng.choice(contexts).format(cue, written), [written], f"{cue} {note}"))
    return out


def name_cases(rng: random.Random) -> list[tuple[str, list[str], str]]:
    titles = ["Dr", "DR", "dr.", "Dr.", "Prof.", "PROF", "Mr.", "mr", "Mrs", "MRS.", "Ms", "Miss"]
    titles += ["Sister", "SISTER", "Matron", "Nurse", "Mx", "Professor"]
    out = []
    for i, title in enumerate(titles * 2):
        surname = (SURNAMES + PARTICLE_SURNAMES)[(i * 7) % (len(SURNAMES) + 5)]
        name = surname if i % 3 else f"{rng.choice(FIRST)} {surname}"
        text = rng.choice(
            [
                "{} {} was very kind to my mum",
                "I saw {} {} who explained everything",
                "can {} {} please call me back",
            ]
        )
        out.append((text.format(title, name), [name], f"title {title}"))
    roles = [
        "the staff nurse {} was lovely",
        "HCA {} helped me wash",
        "my physio {} has been brilliant",
        "our social worker, {}, never rings back",
        "my key worker {} listens",
        "the consultant, {}, explained it all",
        "a nurse called {} sat with me",
        "a lovely lady named {} on reception",
        "doctor {} was rude",
        "the student nurse {} was great",
        "support worker {} went above and beyond",
        "midwife {} stayed past her shift",
        "care coordinator {} sorted my benefits",
        "the paramedic, {} I think, was calm",
    ]
    for i, template in enumerate(roles * 2):
        name = rng.choice(FIRST) if i % 2 else f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
        out.append((template.format(name), [name], "role"))
    thanks = [
        ("thanks to {} and {}", 2),
        ("Thank you {}", 1),
        ("Thank you {}, {} and {} for everything", 3),
        ("Special thanks to {} & {}", 2),
        ("THANK YOU {}!", 1),
        ("thank you so much to {} on ward 4", 1),
        ("Big shout out to {}", 1),
        ("thanks {} and {} x", 2),
    ]
    for template, k in thanks * 3:
        people = rng.sample(FIRST, k)
        if template.isupper() or "THANK" in template:
            people = [p.upper() for p in people]
        out.append((template.format(*people), people, "thanks"))
    cueless = [
        "{} was amazing with my dad",
        "I saw {} on Tuesday and she was so helpful",
        "{} on reception is always cheerful",
        "When {} came in everything got sorted",
        "please pass on my gratitude to {} who stayed late",
    ]
    common = ["Kerry", "Priya", "Siobhán", "Aisha", "Tomasz", "Chloe", "Callum", "Leanne", "Gemma"]
    common += ["Stacey", "Jodie", "Niamh", "Kieran", "Lauren", "Danielle", "Declan", "Bethany"]
    for i, template in enumerate(cueless * 4):
        name = common[i % len(common)]
        if i % 3 == 0:
            name = f"{name} {rng.choice(SURNAMES)}"
        out.append((template.format(name), [name], "no cue"))
    particles = [
        ("Dr {} came at midnight", "Ó Súilleabháin"),
        ("Nurse {} was wonderful", "Żaneta"),
        ("Dr {} listened", "D'Souza"),
        ("Mrs {} from the council", "de la Cruz"),
        ("thank you Dr {}", "van der Berg"),
        ("Mr {} operated", "Smith-Jones"),
        ("Nurse {} held my hand", "Małgorzata Wiśniewski"),
        ("Sister {} runs a tight ship", "Ní Bhriain"),
        ("Dr {} was brilliant", "Al-Hassan"),
        ("Prof {} saw us", "O'Connor-Brennan"),
        ("Thanks to Dr {} and the team", "Ngozi Okonkwo-Adeyemi"),
        ("nurse {} was kind", "Zoë"),
    ]
    for template, name in particles:
        out.append((template.format(name), [name], "particle or non-ASCII"))
    return out


def main() -> None:
    rng = random.Random(20251206)
    builders = {
        "nhs_number": nhs_cases,
        "phone": phone_cases,
        "email": email_cases,
        "postcode": postcode_cases,
        "date_of_birth": dob_cases,
        "name": name_cases,
    }
    rows = []
    for kind, build in builders.items():
        for text, spans, note in build(rng):
            rows.append([f"{kind}-{len(rows) + 1:04d}", kind, text, SEP.join(spans), note])
    for kind, text, spans in HAND:
        rows.append([f"{kind}-{len(rows) + 1:04d}", kind, text, SEP.join(spans), "by hand"])
    for text in ORDINARY_WORDS:
        rows.append([f"ordinary-{len(rows) + 1:04d}", "ordinary_words", text, "", "no identifier"])
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["case", "class", "text", "identifiers", "note"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
