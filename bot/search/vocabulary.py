"""Words that carry no topic (stopwords, chat filler), chat shorthand, and a light stemmer."""

from __future__ import annotations

# Function words, question words and chat filler: they say how someone asks, not what about.
STOPWORDS = frozenset(
    """
    a about above according actually after again against all also am an and any anyone anything
    are aren around as ask asked asking at be because been before being below between both bro
    but by can cant could couldnt curious did didnt do does doesnt doing dont down during each
    else even ever every exactly explain explained few for from further get gets getting give go
    going gonna got had has hasnt have havent having he hear heard her here hers him his how
    however i id if ill im in info information into is isnt it its ive just kind kinda know let
    lets like lol lmao me mean meant mention mentioned mentions might more most much must my
    need ngl no nor not now of off oh ok okay on once only or other our out over own please pls
    plz post quick quite rather read reading really regarding right said say saying says see
    seems she should so some something sort specifically still such sure talk talked talking
    tell telling than thank thanks that thats the their them then there these they thing things
    think this those though thought through thx to too tbh u um uh understand up ur us very
    want wanna was wasnt way we well were what whats when where whether which while who whom
    whos whose why will with wondering would wouldnt ya yeah yes yet yo you your
    article piece text story op ed bot citebot hey hi hello question
    """.split()
)

# Words Discord users type for words the article uses. Kept small: knowledge files carry the
# rest as alternates, where moderators can see and edit them.
SHORTHAND = {
    "abt": "about",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "bc": "because",
    "cuz": "because",
    "govt": "government",
    "nk": "north korea",
    "dprk": "north korea",
    "nukes": "nuclear",
    "nuke": "nuclear",
    "nuclear-weapons": "nuclear",
    "spying": "espionage",
    "spy": "espionage",
    "usa": "us",
    "ru": "russia",
    "prc": "china",
    "km": "km",
    "bn": "billion",
    "pm": "prime minister",
    "fm": "foreign minister",
}


def stem(token: str) -> str:
    """Strip common English inflections so "sanctions"/"sanction" and "opposes"/"opposed" meet."""
    if len(token) <= 4 or not token.isalpha():
        return token
    for suffix, replacement in (
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            if suffix == "s" and token.endswith(("ss", "us", "is")):
                return token
            token = token[: -len(suffix)] + replacement
            break
    # "oppose", "opposes" and "opposed" all end as "oppos".
    return token[:-1] if token.endswith("e") and len(token) > 4 else token
