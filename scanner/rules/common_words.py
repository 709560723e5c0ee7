"""A sample of ordinary English and source-code text, for judging how common a keyword is.

A rule's keywords decide which files and lines its pattern runs on. A keyword hidden in everyday
words (``pat`` in *path*, ``pub`` in *public*, ``ld_`` in *build_*, ``sl.`` in *ssl.*) sends the
pattern to nearly every line of every file. :func:`common_sample` spells each word the ways code
and prose write it (lower/upper case, with ``_ . - :`` on either side) so a substring test finds
such keywords.
"""

from __future__ import annotations

from functools import cache

WORDS = """
a about above access account action active add address admin after again all allow also an and
any api app append application apply archive are area args array as ask assert async at attach
attribute auth author auto available await back base basic be because been before begin being
below between binary bind bit block body book boolean bool both box branch break browser buffer
build builder bundle but button by byte bytes cache call callback can cancel case catch cell
center change channel char character check child class clean clear client close code collect
color column command comment commit common compare compile complete component config connect
connection console const constant contain content context continue control convert copy core
count create current cursor data database date day debug decode default define delete depend
description detail dev device dict directory disable display doc document does domain done
double down download draw driver each edit element else empty enable encode end engine entry
enum env environment equal error event example except exception exec exit expect export
expression extend extra false feature fetch field file filter final find first fix flag float
folder font for form format found frame from function get global go group handle handler has
hash have header height help here hidden home host how http https icon id if image import in
include index info init inner input insert install instance int integer interface internal into
is item iterator java json just key keyword label language last layout left length level lib
library like line link list load local lock log logger login long loop main make manager map
mark match math max may media member memory menu message meta metadata method min mode model
module more move msg name native need network new next node none normal not note null number
object of off offset old on one only open option optional or order other out output override
package page panel param parameter parent parse part pass password patch path pattern payload
plugin point pointer port position post prefix print private process product profile project
property protected provider proxy public publish push query queue random range raw read reader
record reference region register release remote remove render replace report request require
required reset resource response result return right role root row rule run runtime sample
save scope screen script search section secret security select self send server service session
set setting setup shape shared show signal simple size skip socket some sort source split ssl
start state static status step stop storage store stream string struct style sub subject
submit super support switch sync system table tag target task template test text than that the
their then there this thread throw time timeout title to token tool top total trace transform
tree true try type unit up update upload url usage use user util valid validate value var
variable version view void wait warning was web when where which while widget width window
with word work worker write xml year yield you your
"""
SEPARATORS = ("_", ".", "-", ":", "/")
FRAGMENTS = ("https://", "http://", "file://", "0x", "<!--", "-->", "&&", "||", "::")


@cache
def common_sample() -> str:
    """The sample as one lower-case string (keywords are lower-case; matching ignores case)."""
    pieces: list[str] = list(FRAGMENTS)
    for word in WORDS.split():
        pieces.append(word)
        for sep in SEPARATORS:
            pieces.append(f"{sep}{word}{sep}")
            pieces.append(f"x{sep}{word}{sep}x")
    return " ".join(pieces)
