"""Words that carry no topic (stopwords, chat filler), chat shorthand, and a light stemmer."""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz.distance import DamerauLevenshtein
from spellchecker import SpellChecker

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
    seems she should so some something sort specifically still such sure
    tell telling than thank thanks that thats the their them then there these they thing things
    think this those though thought through thx to too tbh u um uh understand up ur us very
    want wanna was wasnt way we well were what whats when where whether which while who whom
    whos whose why will with wondering would wouldnt ya yeah yes yet yo you your
    article piece text story op ed bot citebot hey hi hello question
    """.split()
) | frozenset(
    # Conversation and question framing: how people talk around a question on Discord.
    """
    alright anybody anyway anyways apparently basically bit bunch confused confusing cool dumb
    everybody everyone folks guess guy guys honestly lot lots nah nope part parts people person
    pretty seriously somebody someone sorry stuff super supposed suppose supposedly totally wait
    whole wonder wondered wondering yep yeah yah bruh dude man ppl pls idk imo imho btw fyi omg
    wtf lmk rn tho though also anyway even ever got gotten keep keeps kept literally mostly
    maybe probably seem seemed seems sound sounds spell figure find found point points bits
    huge little lots
    again actual actually already always basically detail details exact explain fill happen
    happened happening hmm interested interesting learn look looking make made means matter
    mind question questions quote quotes remember tell told thing things try trying
    understand use used wanted word words work yall true truth anymore tf fr lowkey highkey
    deadass istg smh ty rofl fam yknow yea yup huh eh wow damn dang heck hella legit obviously
    sorta gotta lemme gimme dunno tryna finna aint coz thru lil ima imma bout prolly def deffo
    srsly ikr tbf afaik iirc nvm ye anywhere somewhere everywhere everything nothing nobody
    smth sth hed whatever page section tea sus smh
    wym cap besides bestie ong frfr bffr periodt sheesh bet lmfao lmaoo ahaha haha hahaha xd
    wise mate bloke blokes reckon reckons cheers innit oi wdym hes shes theyll youll itll
    thatll wouldve couldve shouldve
    """.split()
)

# What people ask about the article's people and places that a news article like this one does not
# say: personal details, other facts of the world, what happened since, and what someone said. A
# short question with one of these words is only answered by an entry that uses the word itself:
# "how old is andrew hammond" must not get his biography, "when did gorbachev die" Gorbachev's
# reforms, nor "what did xi say to medvedev" the list of topics they discussed (entries quoting
# someone have "what did he say" among their alternates).
SAYING_WORDS = frozenset("say said says saying".split())
ASPECT_WORDS = SAYING_WORDS | frozenset(
    """
    age aged old oldest young youngest born birthday birthplace died die dies dead death alive
    wife wives husband married marry spouse girlfriend boyfriend kids children son sons daughter
    daughters parents tall height weigh weight salary hobby hobbies favourite favorite religion
    nationality population capital gdp weather temperature climate tuition twitter instagram
    facebook tiktok email phone election elected vote votes voted recipe calories
    nowadays currently today tonight tomorrow yesterday afterwards finished completed year
    """.split()
)
# What someone "says" is only a person's words when the article itself is not the one saying it:
# "what does the final paragraph say", "what does the disclaimer say".
DOCUMENT_WORDS = frozenset(
    "article author writer piece paragraph text disclaimer hammond conclusion ending end section"
    " oped editorial byline headline title".split()
)

# Words of people talking to the bot or about themselves: "what's your name", "can you lend me
# money", "where can i get a loan". A short question with one of these, outside the usual ways of
# asking ("can you tell me", "i was wondering", see REQUEST_FRAMINGS), is chat, not a question
# about the article, however well one of its words matches an entry.
PERSONAL_WORDS = frozenset("you your yours u ur i my me mine myself im ive id ill".split())
REQUEST_FRAMINGS = re.compile(
    r"\b(?:(?:can|could|would|will|do|did|pls|please) )?(?:you|u)"
    r" (?:(?:please|pls|even|can|could|would|will|might) )*"
    r"(?:tell|explain|remind|show|give|summari[sz]e|say|know|help|think|find|clarify)(?: me| us)?\b"
    r"|\b(?:tell|remind|show|give|explain to|explain|help|let|lemme|get) me\b"
    r"|\b(?:i|ive) (?:(?:want|wanna|need|would like|d like|was|am|m|just|still|really|also|only"
    r"|always|never|kinda|honestly|keep|get|got|had|have|been) )*"
    r"(?:to )?(?:know|wondering|wonder|curious|confused|understand|remember|see|read|reading|heard"
    r"|saw|think|thought|missed|skimmed|noticed|found|guess|mean|that|mix|mixing|mixed|forget"
    r"|forgetting|forgot|no idea|learned|learnt|studied|studying)\b"
    r"|\bi (?:dont|didnt|cant|do not|did not|cannot|couldnt|still dont) (?:get|understand|remember"
    r"|see|know|find|follow)\b"
    r"|\b(?:correct|help|to) me\b|\bif i\b|\bim (?:confused|curious|wondering|reading|lost)\b"
    r"|\blike (?:im|i am) (?:five|5|a kid|a child)\b"
    r"|\b(?:summari[sz]e|explain|describe|break down)(?: (?:it|this|that))? for me\b"
)


def is_personal(normalized: str) -> bool:
    """True when normalised text talks to the bot or about the asker, beyond asking politely."""
    return bool(PERSONAL_WORDS.intersection(REQUEST_FRAMINGS.sub(" ", normalized).split()))


# Question and function words that people often mistype; an unknown word one slip away from
# one of these ("hwo", "teh", "wher", "dose") is that word, not a topic.
_TYPO_PRONE_WORDS = (
    "about does did how the this that what when where which who whom whose why with"
    " whats wheres thats there their they is are was were article".split()
)

# Words Discord users type for words the article uses. Kept small: knowledge files carry the
# rest as alternates, where moderators can see and edit them.
SHORTHAND = {
    "abt": "about",
    "w": "with",
    "y": "why",
    "rite": "right",
    "2nd": "second",
    "1st": "first",
    "kilometres": "km",
    "kilometers": "km",
    "kms": "km",
    "miles": "km",
    "wat": "what",
    "wats": "whats",
    "n": "and",
    "wheres": "where is",
    "whos": "who is",
    "gona": "going to",
    "gonna": "going to",
    "outta": "out of",
    "hve": "have",
    "dat": "that",
    "da": "the",
    "watz": "whats",
    "whatz": "whats",
    "wut": "what",
    "wht": "what",
    "bc": "because",
    "cuz": "because",
    "becuz": "because",
    "becoz": "because",
    "bcuz": "because",
    "cos": "because",
    "wit": "with",
    "bein": "being",
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
    "btwn": "between",
    "theyre": "they are",
    "theyve": "they have",
    "weve": "we have",
    "youve": "you have",
    "wot": "what",
    "yanks": "us",
    "yank": "us",
    "biz": "business",
    "youre": "you are",
    "theres": "there is",
    "whens": "when is",
    "whend": "when did",
    "whered": "where did",
    "howd": "how did",
    "whyd": "why did",
    "80s": "1980s",
    "eighties": "1980s",
    "sino": "china",
    "b/w": "between",
    "thnk": "think",
    "tink": "think",
    "mite": "might",
    "wen": "when",
    "wer": "where",
    "teh": "the",
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


def is_mistyped_filler(word: str) -> bool:
    """True for "hwo", "teh", "actully": one slip (a swap counts as one) from a filler word.

    Short words are only compared with question words: "cost" is one slip from "most".
    """
    if len(word) < 3:
        return False
    candidates = TYPO_PRONE if len(word) < 5 else LONG_STOPWORDS
    # Longer words take two slips against long filler ("artical", "hapend" for "happened").
    long_word = len(word) >= LONG_FILLER_LENGTH - 1
    return any(
        candidate[0] == word[0]
        and DamerauLevenshtein.distance(word, candidate, score_cutoff=2)
        <= (2 if long_word and len(candidate) >= LONG_FILLER_LENGTH else 1)
        for candidate in candidates
    )


TYPO_PRONE = frozenset(_TYPO_PRONE_WORDS)
LONG_FILLER_LENGTH = 7
LONG_STOPWORDS = frozenset(word for word in STOPWORDS | TYPO_PRONE if len(word) >= 5)


# pyspellchecker's English frequency list counts "married" 240,829 times and a real slip like
# "tillersen" 0; "thad" (134) and "wat" (680) are rare enough to still be read as typos.
COMMON_WORD_COUNT = 1000


@cache
def _english_counts() -> dict[str, int]:
    """Load the English word frequencies once per process (about 0.1 s)."""
    return dict(SpellChecker(distance=1).word_frequency.dictionary)


def is_common_english(word: str) -> bool:
    """True for an ordinary English word ("married", "tall"): it is not a typo of another."""
    return _english_counts().get(word, 0) >= COMMON_WORD_COUNT
