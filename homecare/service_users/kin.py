"""Reading a next of kin's relation, entered in words, as a code (``KinRelationship``).

The words are kept as entered; the code is what other systems can act on. Where the
words name no relation this table knows, the code stays unknown rather than guessed.
"""

from __future__ import annotations

from homecare.service_users.models import KinRelationship as K

#: Words (bokmål, nynorsk and English) for each relation.
WORDS = {
    K.SPOUSE: ("ektefelle", "ektemann", "kone", "hustru", "mann", "spouse", "husband",
               "wife"),
    K.PARTNER: ("samboer", "partner", "registrert partner", "kjæreste", "sambuar"),
    K.DAUGHTER: ("datter", "dotter", "daughter"),
    K.SON: ("sønn", "sonn", "son"),
    K.CHILD: ("barn", "child"),
    K.MOTHER: ("mor", "mamma", "mother"),
    K.FATHER: ("far", "pappa", "father"),
    K.SISTER: ("søster", "syster", "sister"),
    K.BROTHER: ("bror", "brother"),
    K.SIBLING: ("søsken", "sibling"),
    K.GRANDCHILD: ("barnebarn", "barnebarnet", "grandchild", "granddaughter", "grandson"),
    K.NIECE: ("niese", "niece"),
    K.NEPHEW: ("nevø", "nephew"),
    K.COUSIN: ("kusine", "fetter", "søskenbarn", "cousin"),
    K.DAUGHTER_IN_LAW: ("svigerdatter", "daughter-in-law", "daughter in law"),
    K.SON_IN_LAW: ("svigersønn", "son-in-law", "son in law"),
    K.FRIEND: ("venn", "venninne", "venner", "friend"),
    K.NEIGHBOUR: ("nabo", "neighbour", "neighbor"),
    K.GUARDIAN: ("verge", "guardian"),
}
_BY_WORD = {word: relationship for relationship, words in WORDS.items() for word in words}


def read_relationship(relation: str | None) -> K | None:
    """The relation the words name: the whole text, else its first or last word
    ("datter (eldste)", "eldste datter"); None when they name none this table knows."""
    words = (relation or "").casefold().replace("(", " ").replace(")", " ").split()
    if not words:
        return None
    for candidate in (" ".join(words), words[0], words[-1]):
        if candidate in _BY_WORD:
            return _BY_WORD[candidate]
    return None
