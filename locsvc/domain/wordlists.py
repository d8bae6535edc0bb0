"""Function words that decide where a subtitle line may break, per language.

Break before a conjunction or preposition; never after an article, determiner or
possessive (it belongs with its noun), a subject pronoun (with its verb), an
auxiliary or negation (with the verb it governs), or a preposition (with its object).
Lower-case forms; elided French/Italian forms (l', d', qu') are matched by prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BreakWords:
    break_before: frozenset[str]  # conjunctions and prepositions: a line may start with them
    keep_with_next: frozenset[str]  # never end a line with these
    elisions: tuple[str, ...] = ()  # prefixes like "l'" that bind to the next letters


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN = BreakWords(
    break_before=_words(
        "and but or nor so yet because although though while whereas if unless until when "
        "whenever where wherever that which who whom whose than as since after before "
        "of in on at by for with without to from into onto about over under between "
        "through during against among around across behind beyond near toward towards upon"
    ),
    keep_with_next=_words(
        "a an the this that these those my your his her its our their some any no every "
        "each either neither another such what which whose "
        "i you he she it we they "
        "am is are was were be been being have has had do does did will would shall should "
        "can could may might must not never don't doesn't didn't won't can't isn't aren't "
        "wasn't weren't haven't hasn't hadn't wouldn't shouldn't couldn't "
        "of in on at by for with without to from into onto about over under between "
        "through during against among mr mrs ms dr"
    ),
)

ES = BreakWords(
    break_before=_words(
        "y e o u pero sino aunque porque pues que si cuando mientras donde como "
        "a ante bajo con contra de desde en entre hacia hasta para por según sin sobre tras"
    ),
    keep_with_next=_words(
        "el la los las un una unos unas lo al del este esta estos estas ese esa esos esas "
        "mi mis tu tus su sus nuestro nuestra nuestros nuestras "
        "yo tú él ella nosotros nosotras vosotros ellos ellas "
        "no me te se nos os le les "
        "he has ha hemos habéis han había "
        "a ante bajo con contra de desde en entre hacia hasta para por según sin sobre tras "
        "sr sra"
    ),
)

FR = BreakWords(
    break_before=_words(
        "et ou mais donc car ni or que qui quand lorsque puisque comme si "
        "à de en dans par pour sur sous avec sans chez vers entre contre depuis pendant"
    ),
    keep_with_next=_words(
        "le la les un une des du au aux ce cet cette ces mon ma mes ton ta tes son sa ses "
        "notre nos votre vos leur leurs "
        "je tu il elle on nous vous ils elles "
        "ne n' pas me te se "
        "ai as a avons avez ont suis es est sommes êtes sont "
        "à de en dans par pour sur sous avec sans chez vers entre contre depuis pendant "
        "m mme"
    ),
    elisions=("l'", "d'", "j'", "qu'", "n'", "s'", "c'", "m'", "t'", "l’", "d’", "j’", "qu’"),
)

DE = BreakWords(
    break_before=_words(
        "und oder aber sondern denn weil dass ob wenn als während obwohl bevor nachdem "
        "an auf aus bei durch für gegen hinter in mit nach ohne seit über um unter von vor zu"
    ),
    keep_with_next=_words(
        "der die das den dem des ein eine einen einem einer eines "
        "mein meine dein deine sein seine ihr ihre unser unsere euer eure "
        "ich du er sie es wir ihr "
        "nicht kein keine "
        "an auf aus bei durch für gegen hinter in mit nach ohne seit über um unter von vor zu "
        "im am zum zur vom beim ins herr frau"
    ),
)

PT = BreakWords(
    break_before=_words(
        "e ou mas porém porque pois que se quando enquanto onde como "
        "a ante após até com contra de desde em entre para perante por sem sob sobre"
    ),
    keep_with_next=_words(
        "o a os as um uma uns umas ao aos do da dos das no na nos nas pelo pela "
        "este esta estes estas esse essa esses essas meu minha meus minhas teu tua seu sua "
        "seus suas nosso nossa "
        "eu tu ele ela nós vós eles elas você vocês "
        "não me te se lhe "
        "é foi tem têm há "
        "ante após até com contra de desde em entre para perante por sem sob sobre "
        "sr sra"
    ),
)

IT = BreakWords(
    break_before=_words(
        "e ed o oppure ma però perché poiché che se quando mentre dove come "
        "a di da in con su per tra fra"
    ),
    keep_with_next=_words(
        "il lo la i gli le un uno una del dello della dei degli delle al allo alla ai agli "
        "alle nel nello nella nei negli nelle sul sullo sulla "
        "questo questa questi queste quel quella mio mia miei mie tuo tua suo sua nostro "
        "io tu lui lei noi voi loro "
        "non mi ti si ci vi "
        "ho hai ha abbiamo avete hanno sono sei è siamo siete "
        "a di da in con su per tra fra sig"
    ),
    elisions=("l'", "un'", "d'", "c'", "l’", "un’", "d’"),
)

# Abbreviations whose full stop does not end a sentence (lower case, with the stop).
ABBREVIATIONS = frozenset(
    "mr. mrs. ms. dr. prof. st. jr. sr. sra. srta. vs. etc. e.g. i.e. no. approx. "
    "m. mme. mlle. hr. fr. dott. sig. sig.ra ca. bzw. usw. z.b. d.h.".split()
)

BREAK_WORDS: dict[str, BreakWords] = {"en": EN, "es": ES, "fr": FR, "de": DE, "pt": PT, "it": IT}
NO_WORDS = BreakWords(frozenset(), frozenset())

# Languages broken between characters rather than at spaces.
CHARACTER_BREAKING = frozenset({"ja", "zh"})


def break_words_for(language: str) -> BreakWords:
    return BREAK_WORDS.get(language.split("-")[0].lower(), NO_WORDS)
