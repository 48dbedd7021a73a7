# ruff: noqa: E501 -- the lexicons are data, one pattern a line.
"""Safeguarding rules built for recall: lexicons per sub-type, tolerant of text-speak and slang.

A rule that matches always flags. Negated, hedged or third-party mentions still flag; they only
score lower, so a reviewer can rank them. The idiom allow-list removes a match only when the
whole match sits inside a known idiom ("this wait is killing me"), a writer's denial of what is
said of them, or an injury explained by an accident. The base LEXICON is here; the families for
the policy of issue 14 (past harm, threats, survivors' safety, neglect, young carers, Welsh) are
in policy_lexicon.py.
"""

import re
from dataclasses import dataclass
from functools import cache

from classifiers.policy_lexicon import FAMILIES, NOT_DISCLOSURES, WELSH_IDIOMS

# Shorthand used inside the lexicons below; expanded before compiling.
_SHORTHAND = {
    "{obj}": r"(?:me|him|her|us|them|mum|mam|mom|dad|my\s+\w+|the\s+(?:kids?|children|baby|boys?|girls?)|his\s+\w+|her\s+\w+)",
    "{kid}": r"(?:me|him|her|us|them|my\s+\w+|the\s+(?:kids?|children|baby)|his\s+\w+|her\s+\w+)",
    "{self}": r"(?:my\s?self|meself|myslef|mysef|her\s?self|him\s?self|them\s?selves|themself|urself|yourself)",
    "{neg}": r"(?:do\s?n'?t|dont|doesn'?t|doesnt|dosnt|does\s+not|do\s+not|never|won'?t|wont|will\s+not|wouldn'?t|wouldnt|can'?t|cant|cannot|not)",
    "{adult}": r"(?:dad|daddy|mum|mam|mom|mummy|step\s?dad|step\s?mum|step\s?father|step\s?mother|father|mother|uncle|aunt|auntie|grandad|nan|gran|brother|sister|cousin|carer|foster\s+carer|partner|boyfriend|girlfriend|bf|gf|fella|husband|wife|ex|ex-partner|ex-wife|ex-husband|missus|man|men|lad|lads|guy|bloke|he|she|they)",
}

LEXICON: dict[str, list[str]] = {
    "self_harm": [
        r"\bkms\b",
        r"\bk\.m\.s\b",
        r"\bkys\b",
        r"\bkill(?:ing|in)?\s*{self}",
        r"\bkill\s+my\s*sel",
        r"\bun-?aliv(?:e|ing|ed)\b",
        r"\bsu[ie]?c[ie]?d\w*",
        r"\bsuicid\w*",
        r"\bself[\s-]*harm\w*",
        r"\bself[\s-]*injur\w*",
        r"\b(?:harm|hurt)(?:s|ing|in)?\s+{self}",
        r"\bcut(?:s|ting|tin|tting)?\s+(?:{self}|my\s+(?:arms?|wrists?|legs?|thighs?|skin|stomach|tummy))",
        r"\bcutting\b",
        r"\bcuttin\b",
        r"\bcuts\s+on\s+(?:my|his|her|their)\s+(?:arms?|wrists?|legs?|thighs?|stomach|tummy)",
        r"\bburn(?:s|t|ed|ing)?\s+(?:{self}|on\s+(?:my|his|her)\s+(?:arms?|legs?|hands?))",
        r"\bburns\s+on\s+(?:my|his|her)\s+(?:arms?|legs?|hands?|thighs?)",
        r"\b(?:end|ending|ended)\s+(?:it\s+all|my\s+life|it\s+now|things|everything)\b",
        r"\btak(?:e|ing)\s+my\s+(?:own\s+)?life\b",
        r"\boverdos\w*",
        r"\bod(?:[\x27\u2019]e?d|ed)\b",
        r"\b(?:took|taken|taking|had)\s+an?\s+od\b",
        r"\b(?:took|taken|taking|take|swallowed)\s+(?:a\s+load\s+of\s+|loads\s+of\s+|all\s+(?:my|the|of\s+my)\s+|(?:my\s+)?mums?'?s?\s+|the\s+)?(?:pills|tablets|paracetamol|meds)\b",
        r"\b(?:want|wants|wanna|wanted|wish)\s+(?:to\s+)?(?:i\s+(?:was|were)\s+)?(?:die|dead|be\s+dead)\b",
        r"\bwish\s+i\s+(?:was|were)n'?t\s+(?:born|here|alive)",
        r"\b{neg}\s+(?:even\s+)?(?:want|wanna|wanting)\s+(?:to\s+)?(?:be\s+here|be\s+around|live|be\s+alive|exist|wake\s+up|go\s+on)",
        r"\bnot\s+(?:wanting\s+to\s+)?(?:be|being)\s+(?:here|around)\s+(?:any\s?more|much\s+longer|next\s+\w+|for\s+long)",
        r"\bnot\s+(?:going\s+to|gonna)\s+be\s+(?:here|around)",
        r"\bbetter\s+off\s+without\s+me\b",
        r"\b(?:better\s+off|happier|easier)\s+if\s+i\s+(?:was|were|wasn'?t|weren'?t)\s*(?:n'?t|not)?\s*(?:here|around|alive|gone|dead)",
        r"\bif\s+i\s+(?:was|were)n'?t\s+(?:here|around|alive)\b",
        r"\bif\s+i\s+(?:disapp?eared?|disapeared|was\s+gone|died)\b",
        r"\bsleep\s+and\s+(?:not|never)\s+wake\s+up",
        r"\bno\s+point\s+(?:in\s+)?(?:living|being\s+alive|going\s+on)",
        r"\bwhat'?s\s+the\s+point\s+(?:of|in)\s+(?:anything|living|life|going\s+on|being\s+here)",
        r"\bcan'?t\s+(?:go\s+on|cope\s+any\s?more|take\s+it\s+any\s?more)",
        r"\bmak(?:e|es|ing)\s+{self}\s+sick\b",
        r"\bthrow(?:ing)?\s+up\s+after\b",
        r"\bstarv(?:e|ing)\s+{self}",
        r"\b(?:hang|hanging|hung)\s+{self}",
        r"\bnoose\b",
        r"\bligature\b",
        r"\bjump(?:ing)?\s+(?:off\s+(?:a|the)\s+(?:bridge|roof|building|cliff)|in\s+front\s+of)",
        r"\bgiv(?:e|es|ing)\s+(?:his|her|my|their)\s+(?:stuff|things|belongings)\s+away",
        r"\b(?:doing|did|do)\s+(?:it|the\s+thing|that)\s+again\s+on\s+my\s+(?:arms?|legs?|wrists?)",
        r"\bthoughts\s+(?:about|of)\s+(?:not\s+(?:wanting\s+to\s+)?(?:be|being)\s+here|dying|death|ending)",
        r"\b(?:i'?m|im|i\s+am)\s+(?:really\s+|so\s+|just\s+)?not\s+(?:ok|okay|alright|coping)\b(?!\s+with)",
        r"\blong\s+sleeves\b",
        r"\bso\s+no\s*(?:one|body)\s+(?:sees|can\s+see|notices|knows)\b",
        r"\b(?:sad|low|down|depressed|empty)\s+all\s+the\s+time\b",
        r"\bdepressed\b",
        r"\bfeel(?:ing)?\s+(?:very\s+|really\s+|so\s+)?low\b",
        r"\b(?:a\s+)?burden\s+(?:to|on)\s+(?:everyone|every1|my|them|you)\b",
        r"\bdone\s+with\s+(?:everything|it\s+all|life|living)\b",
        r"\b(?:til+|until)\s+it\s+bleeds\b",
        r"\bmaybe\s+i\s+should\s+just\s+(?:go|disappear|leave)\b",
        r"\b(?:we|i|you|they)'?(?:ll|\s+will)\s+(?:both\s+|all\s+)?die\b",
        r"\bwhat'?s\s+the\s+point\s+(?:any\s?more|of\s+(?:me|trying|carrying\s+on|waking\s+up))\b",
        r"\b(?:see|is)\s+(?:no\s+|the\s+)?point\s+(?:in|of)\s+(?:living|life|being\s+alive|going\s+on|being\s+here|anything\s+any\s?more)",
        r"\b(?:had|have|had\s+had)\s+enough\s+of\s+(?:it\s+all|everything|life|living|being\s+alive)\b",
        r"\b(?:see|find|is|there'?s)\s+no\s+way\s+out\b",
        r"\bsee\s+a\s+way\s+out\b",
        r"\b(?:thinking|thought|think|thinks)\s+(?:about|of)\s+(?:just\s+)?(?:ending\s+it|ending\s+things|dying|death|not\s+waking|walking\s+into|jumping|stepping\s+in\s+front)",
        r"\b(?:go\s+to\s+)?sleep\s+(?:forever|for\s+ever|for\s+good)\b",
        r"\b(?:walk|walking|step|stepping|run|running)\s+(?:in)?to\s+(?:the\s+road|traffic|the\s+sea|the\s+river|a\s+train)\b",
        r"\bin\s+front\s+of\s+(?:a|the)\s+(?:train|bus|lorry|car)\b",
        r"\bdisappear(?:ing|ed)?\s+(?:for\s+good|forever|for\s+ever)\b",
        r"\bso\s+(?:i|she|he)\s+can\s+disappear\b",
        r"\bstopp?(?:ed)?\s+eating\b",
        r"\bscratch(?:es|ed|ing|in)?\s+(?:at\s+)?(?:my|his|her)\s+(?:arms?|legs?|wrists?|skin|face)",
        r"\b(?:til+|until|till)\s+(?:they|it)\s+bleeds?\b",
        r"\bgoodbye\s+(?:letters?|notes?|messages?|texts?)\b",
        r"\b(?:won'?t|will\s+not|wouldn'?t)\s+be\s+(?:here|around|alive)\s+(?:to|for|much|any\s?more|by|when|next)\b",
        r"\bhate\s+{self}",
        r"\b(?:happier|better\s+off|easier)\s+without\s+(?:me|him|her)\b",
        r"\bif\s+i\s+(?:just\s+)?(?:was|were)n'?t\s+(?:here|around|alive)\b",
        r"\bif\s+i\s+(?:just\s+)?(?:was|were)\s+(?:gone|dead|not\s+here)\b",
        r"\b(?:razor|blade)s?\b",
        r"\b(?:ending|end)\s+it\b(?!\s+(?:with|there|here|early|now\s+with))",
        r"\bcut\s+(?:her|his|their)\s+(?:arms?|wrists?|legs?|thighs?)\b",
        r"\b(?:rather|sooner)\s+be\s+dead\b",
        r"\b(?:took|take|taking|taken|takes)\s+(?:too|to)\s+many\s+(?:of\s+(?:her|his|my|the)\s+)?(?:pills|tablets|paracetamol|meds)\b",
    ],
    "physical_abuse": [
        r"\b(?:hit|hits|hitting|hittin|hitin|beat|beats|beating|beatin|beaten|punch(?:es|ed|ing|in)?|kick(?:s|ed|ing|in)?|slap(?:s|ped|ping|pin)?|smack(?:s|ed|ing|in)?|whack(?:s|ed|ing)?|thump(?:s|ed|ing)?|batter(?:s|ed|ing)?|belt(?:s|ed)?|bites|squeez(?:es|ed))\s+{kid}\b",
        r"\b(?:chok|strangl|throttl)(?:e|es|ed|ing|in)\s+{obj}",
        r"\bhurts?\s+(?:me|him|her|us)\b",
        r"\bhurting\s+(?:me|him|her|us)\b",
        r"\b(?:pull(?:s|ed|ing)?|yank(?:s|ed)?)\s+(?:my|his|her|our)\s+hair\b",
        r"\bdragg?(?:s|ed|ing)?\s+(?:me|him|her|us)\b",
        r"\bhold(?:s|ing)?\s+(?:me|him|her|us)\s+down\b",
        r"\bsat\s+on\s+(?:me|him|her)\b",
        r"\bbruis\w*",
        r"\bblack\s+eye\b",
        r"\bmarks?\s+on\s+(?:my|his|her|their)\s+\w+",
        r"\bmark\s+on\s+(?:his|her|my)\s+(?:cheek|face|arm|leg|neck|back)",
        r"\bbroke\s+(?:my|his|her)\s+(?:nose|arm|leg|wrist|ribs?|jaw|finger)",
        r"\bwith\s+(?:a|his|her|the|a\s+wooden)\s+(?:belt|slipper|hairbrush|spoon|stick|cane|shoe|hanger|wire|cable)\b",
        r"\bkneel\s+on\s+rice\b",
        r"\bthreat\w*\s+(?:me|him|her|us)\s+with\s+a\s+(?:knife|weapon|blade)",
        r"\b(?:with|a|his|her)\s+knife\b",
        r"\bphysical(?:ly)?\s+(?:abus|hurt|harm|assault)\w*",
        r"\bchild\s+abuse\b",
        r"\babus(?:e|ed|es|ing|er|ers|ive)\b",
        r"\bbeat(?:s|en|ing)?\s+up\b",
        r"\b(?:keeps?|kept)\s+hitting\b",
        r"\bcruel(?:ty)?\b",
        r"\b(?:hurting|hitting|harming)\s+(?:a\s+)?(?:child|kid|children|kids|baby)\b",
        r"\bsplit\s+lip\b",
        r"\bmak(?:e|es|ing)\s+(?:him|her|me)\s+(?:ill|sick)\b",
        r"\bfgm\b",
        r"\bfemale\s+genital\b",
        r"\b(?:leather(?:s|ed|ing)?|lamp(?:s|ed|ing)?|twat(?:s|ted|ting)?|wallop(?:s|ed|ing)?|clout(?:s|ed|ing)?|deck(?:s|ed)|bash(?:es|ed|ing)?|boot(?:s|ed)|shov(?:e|es|ed|ing)|pinch(?:es|ed|ing)?|stamp(?:s|ed)?\s+on|kick(?:s|ed)?\s+off\s+at|batterd|beated|hitt?s?|thumps?)\s+{kid}\b",
        r"\b(?:knock|knocks|knocked|knocking|chuck|chucks|chucked|throws?|threw|slams?|slammed|pins?|pinned)\s+{obj}\s+(?:about|around|against|across|into|down\s+the|to\s+the)\b",
        r"\b(?:gave|give|gives|giving|got|get|gets|getting|had)\s+(?:me|him|her|us|them)?\s*(?:a\s+)?(?:(?:good|proper|right|real)\s+)?(?:kicking|hiding|beating|leathering|battering|pasting|clip\s+round\s+the\s+ear|slap|smack|belting|whooping)\b",
        r"\b(?:got|get|gets|getting|been|being|was)\s+(?:hit|battered|beaten|leathered|slapped|punched|kicked|bashed|whacked|smacked|hurt)\s+(?:again\s+)?(?:by|off|at)\s+(?:my|me|his|her|their|him|them|the\s+staff|staff|one\s+of|dad|mum|mam|step)",
        r"\bstamp(?:s|ed|ing)?\s+on\s+(?:my|his|her)\s+\w+",
        r"\b(?:he|she|mum|mam|dad|they|carer)\s+(?:bit|bites|bite)\s+(?:me|him|her|us)\b",
        r"\btwist(?:s|ed|ing)?\s+(?:my|his|her)\s+(?:arm|wrist|ear|fingers?)\b",
        r"\bburn(?:s|t|ed|ing)?\s+(?:me|him|her)\s+with\b",
        r"\bwelts\b",
        r"\bfat\s+lip\b",
        r"\b(?:face|eye|cheek|lip|arm|wrist)\s+(?:is|was|all)\s+(?:all\s+)?swollen\b",
        r"\b(?:over|round|across|around)\s+(?:my|his|her|the)\s+(?:head|face|ear)\s+with\b",
        r"\b(?:smash|smashed|hit|whacked|bashed|broke)\s+(?:a|the|his|her)\s+\w+\s+(?:over|on|across)\s+(?:my|his|her)\s+(?:head|face|back)\b",
    ],
    "sexual_abuse": [
        r"\btouch(?:es|ed|ing|in|d)?\s+(?:me|him|her|us|them)\b",
        r"\btouchd\b",
        r"\b(?:make|makes|made|making)\s+(?:me|him|her|us)\s+touch\b",
        r"\btouching\s+(?:him|her)self\b",
        r"\brap(?:e|ed|es|ing|ist)\b",
        r"(?<!non-)(?<!non\s)(?<!non)molest\w*",
        r"\bsexual(?:ly)?\s+(?:abus|assault|touch|harm|exploit)\w*",
        r"\bsex(?:ual)?\s+(?:stuff|things|offen[cs]es?|offender)",
        r"\bsex\s+offen\w*",
        r"\b(?:does|do|did|doing)\s+(?:stuff|things|sex\s+stuff)\s+to\s+(?:me|him|her|us)\b",
        r"\b(?:comes?|came|coming)\s+(?:in(?:to)?)\s+(?:my|her|his|the)\s+(?:bed|bedroom|room|bathroom|shower)",
        r"\bsleeps?\s+in\s+(?:my|her|his)\s+bed\b",
        r"\b(?:get|gets|got)\s+in(?:to)?\s+(?:my|her|his)\s+bed\b",
        r"\b(?:naked|nude|nudes|no\s+clothes\s+on)\b",
        r"\bprivates\b",
        r"\b(?:willy|willie|winkie|fanny)\b",
        r"\bprivate\s+parts\b",
        r"\bdown\s+there\b",
        r"\bpae?d(?:o|ophile|ophiles)\b",
        r"\bpedo\w*",
        r"\bporn\w*",
        r"\bsexualis\w*\s+behaviou?r",
        r"\bsore\s+(?:bottom|bum|privates)\b",
        r"\b(?:record|conviction|convictions)\s+for\s+(?:sex\w*|stuff\s+with\s+(?:kids|children))",
        r"\bstuff\s+with\s+(?:kids|children)\b",
        r"\b(?:photos?|pictures?|pics|videos?)\s+of\s+(?:me|her|him)\s+(?:in\s+the\s+(?:shower|bath)|naked|undress\w*|getting\s+changed)",
        r"\bwhen\s+(?:i|she|he)\s+(?:was|is|am)\s+(?:in\s+the\s+(?:shower|bath|bathroom)|showering|getting\s+changed)",
        r"\binappropriate(?:ly)?\s+touch\w*",
        r"\btouch\w*\s+(?:me|him|her)\s+inappropriately",
        r"\btickl(?:e|ing)\s+game\b",
        r"\bpic(?:s|ture|tures)?\s+of\s+me\b",
        r"\bin\s+(?:his|her|their)\s+room\b.{0,40}\b(?:do\s+stuff|do\s+things|secret)",
    ],
    "emotional_abuse": [
        r"\bcalls?\s+(?:me|him|her|us)\s+(?:'|\u2018|\")?(?:names|a\s+\w+|an\s+\w+|stupid|fat|ugly|useless|worthless|thick)",
        r"\bno\s*(?:one|body)\s+wants\s+(?:me|him|her|us)\b",
        r"\b(?:i'?m|im|i\s+am)\s+the\s+reason\b",
        r"\b(?:it'?s|its|it\s+is|it\s+will\s+be|itll\s+be)\s+(?:all\s+)?my\s+fault\b",
        r"\bnever\s+see\s+(?:her|him|dad|mum|you|them|me|my\s+\w+)\s+again\b",
        r"\bemotional(?:ly)?\s+abus\w*",
        r"\bverbal(?:ly)?\s+abus\w*",
        r"\b(?:scream|shout|yell)(?:s|ed|ing)?\s+(?:at|in)\s+(?:me|him|her|us|my\s+face|his\s+face|her\s+face)",
        r"\bmak(?:e|es|ing)\s+(?:me|him|her|us)\s+(?:stand|sleep|kneel|stay|watch)\b",
        r"\bwon'?t\s+let\s+(?:me|him|her|us)\s+(?:sleep|eat|out|see|leave)\b",
        r"\b(?:take|takes|took|taken)\s+(?:my|his|her)\s+(?:bedroom\s+)?(?:door|door\s+handle)\s+off",
        r"\bput\s+(?:me|him|her)\s+out\s+on\s+the\b",
        r"\bwet(?:s|ting)?\s+the\s+bed\b",
        r"\bbed\s?-?wetting\b",
        r"\bkeeps?\s+telling\s+(?:me|him|her|them)\s+(?:my|his|her|their)\s+(?:mum|dad|mother|father)\s+is",
        r"\bmakes?\s+(?:me|us)\s+(?:and\s+(?:my\s+)?\w+\s+)?fight\b",
        r"\bnever\s+see\s+(?:them|the\s+kids|the\s+children|my\s+kids|your\s+\w+|ur\s+\w+)\b",
        r"\bnightmares\b",
        r"\bwish(?:es|ed)?\s+(?:i|he|she|you|they)\s+(?:was|were|had|'?d)\s+never\s+(?:been\s+)?born\b",
        r"\bruin(?:ed|s)?\s+(?:her|his|their)\s+li(?:fe|ves)\b",
        r"\bwaste\s+of\s+(?:space|oxygen|air|skin)\b",
        r"\b(?:says|said|tells|told|calls?|called)\s+(?:me|him|her|us)?\s*(?:i'?m|im|i\s+am|he'?s|she'?s|hes|shes|i\s+was|we'?re)\s+(?:a\s+)?(?:thick|stupid|useless|worthless|ugly|fat|pathetic|disgusting|evil|a\s+mistake|a\s+freak|a\s+retard|nothing)\b",
        r"\bsilent\s+treatment\b",
        r"\bno\s*(?:one|body|1)\s+(?:in\s+the\s+house\s+|at\s+home\s+)?(?:talks|speaks)\s+to\s+(?:me|him|her)\b",
        r"\bretard\w*",
        r"\b(?:put|send|sent|putting|sending)\s+(?:me|him|her|us)\s+(?:back\s+)?(?:in|into|to)\s+care\b",
        r"\bmak(?:e|es|ing)\s+(?:me|him|her)\s+eat\s+(?:on\s+my\s+own|alone|separately|in\s+the)",
    ],
    "neglect": [
        r"\b{neg}\s+(?:feed|fed|feeds|give\s+us\s+food)\s+(?:us|me|him|her|them|the\s+kids)",
        r"\bno\s+food\b",
        r"\bnothing\s+to\s+eat\b",
        r"\bnever\s+any\s+(?:food|dinner|tea)\b",
        r"\b(?:always|so|really|still)\s+hungry\b",
        r"\bhungry\s+(?:all\s+the\s+time|at\s+school)",
        r"\block\s+on\s+the\s+fridge\b",
        r"\b(?:left|leaves|leave|leaving)\s+{kid}\s+(?:alone|on\s+(?:our|their|his|her|my)\s+own|home\s+alone|in\s+the\s+car|overnight)",
        r"\bhome\s+alone\b",
        r"\bon\s+(?:our|my|their)\s+own\s+all\s+(?:night|weekend|day)",
        r"\balone\s+(?:overnight|all\s+night|all\s+weekend)",
        r"\bno\s+(?:heating|electric|electricity|beds?|hot\s+water)\b",
        r"\bsleep\w*\s+on\s+the\s+floor\b",
        r"\bfilthy\b",
        r"\bnits\b",
        r"\bhead\s+lice\b",
        r"\bsame\s+(?:clothes|pants|uniform)\b",
        r"\bmou?ld\s+everywhere\b",
        r"\b(?:gets|got|getting)\s+(?:really\s+|so\s+)?(?:drunk|pissed|wasted|hammered|off\s+(?:his|her)\s+face)\b",
        r"\bdrunk\b",
        r"\b(?:smoke|smokes|smoked|smoking)\s+(?:stuff|weed|crack)\b",
        r"\bfell\s+asleep\s+with\s+the\s+(?:oven|hob|cooker|gas)",
        r"\blost\s+(?:a\s+lot\s+of\s+)?weight\b",
        r"\bweight\s+loss\b",
        r"\bnot\s+(?:been\s+)?(?:fed|eating)\b",
        r"\bneglect\w*",
        r"\bunrestrained\b",
        r"\bdoesn'?t\s+get\s+up\s+most\s+days\b",
        r"\b(?:doing|using|taking|on)\s+(?:drugs|heroin|crack|coke|cocaine|spice)\b",
        r"\bneedles\b",
        r"\b(?:doesn'?t|doesnt|won'?t|wont|didn'?t|didnt)\s+wake\s+up\s+(?:when|sometimes|if)\b",
        r"\bslurr\w*",
        r"\bdrinking\s+(?:heavily|again|a\s+lot|loads|all\s+day)\b",
        r"\bdrink[\s-]?driv\w*",
        r"\bdirty\s+nappy\b",
        r"\bforgets?\s+to\s+(?:give|buy|feed|pick|collect)\b",
        r"\bsleep\w*\s+(?:on|in)\s+the\s+(?:floor|bath|sofa|landing|car|garage|shed)\b",
        r"\bno\s+(?:gas|lecy|leccy|lecky|power|heat|food\s+in)\b",
        r"\b(?:nothing|never\s+anything)\s+(?:in\s+the\s+(?:cupboards?|fridge|house)|to\s+eat)\b",
        r"\b(?:ain'?t|aint|haven'?t|havent|not|hasn'?t|hasnt|hadn'?t|never)\s+(?:ate|eaten|eat|had\s+(?:any\s+)?(?:food|tea|dinner|breakfast))\s+(?:since|for|in|all)\b",
        r"\blook(?:ing|s)?\s+after\s+(?:the\s+baby|my\s+(?:little\s+|baby\s+)?(?:brothers?|sisters?|siblings))\b",
        r"\bpass(?:es|ed|ing)?\s+out\b",
        r"\boff\s+(?:his|her|their)\s+(?:head|face|tits|nut)\b",
        r"\b(?:can'?t|cant|couldn'?t|couldnt)\s+wake\s+(?:her|him|them|mum|dad)\b",
        r"\brott(?:en|ing)\s+teeth\b",
        r"\bnever\s+(?:been\s+)?taken\s+to\s+(?:a|the)\s+(?:dentist|doctor|gp)\b",
        r"\bsmells?\s+of\s+(?:wee|pee|poo|piss|urine|sick)\b",
        r"\b(?:dog|cat)\s+(?:poo|mess|muck|dirt)\b",
        r"\b(?:holes\s+in\s+(?:my|his|her|their)\s+(?:shoes|clothes|trainers)|(?:shoes|trainers)\s+(?:have|has|got)\s+holes)\b",
        r"\bout\s+(?:till|til|until)\s+(?:midnight|\d+\s*(?:am|in\s+the\s+morning))\b",
    ],
    "domestic_abuse": [
        r"\bdomestic\s+(?:abuse|violence|violent)\b",
        r"\bcoerci\w*",
        r"\bcontrolling\s+(?:behaviou?r|relationship|partner|ex)\b",
        r"\b(?:is|was|being|so|very|really|increasingly|become)\s+controlling\b",
        r"\bnon[\s-]?mol\w*",
        r"\brestraining\s+order\b",
        r"\bharass\w*",
        r"\bstalk(?:s|ed|ing|er)\b",
        r"\bfled\b",
        r"\brefuge\b",
        r"\bidva\b",
        r"\bmarac\b",
        r"\b999\b",
        r"\bassault\w*",
        r"\bstabb?(?:ed|ing)\b",
        r"\b(?:threw|throws|thrown|throwing|chucked)\s+(?:a|the|an|things|stuff|\w+)\s*(?:\w+\s+)?at\s+(?:me|her|him|mum|my\s+\w+)",
        r"\bthreat(?:en|ened|ens|ening)\s+to\s+(?:kill|hurt|take|burn|stab|hit|harm)",
        r"\b(?:he|she)'?(?:ll|\s+will|\s+would|d)\s+(?:kill|burn|hurt|stab)\b",
        r"\b(?:check|checks|checked|checking|track|tracks|tracking|reads|read|monitor\w*|goes\s+through|go\s+through)\s+(?:all\s+)?(?:my|his|her)\s+(?:phone|messages|texts|location|bank|emails)",
        r"\bsees\s+my\s+phone\b",
        r"\b(?:take|takes|took|kept|keeps)\s+my\s+(?:wages|money|bank\s+card|car\s+keys|passport|benefits)",
        r"\bwon'?t\s+let\s+me\s+(?:see\s+my\s+(?:friends|mates|family|mum|dad|sister|brother)|have\s+(?:money|my\s+own|a\s+phone|friends|any)|leave|work|go\s+out)",
        r"\b(?:turn|turns|turned|turning)\s+up\s+at\s+(?:my|the|her|our)\s+(?:house|door|flat|work|workplace|school)",
        r"\boutside\s+my\s+(?:house|flat|door|work)",
        r"\bbanging\s+on\s+the\s+door\b",
        r"\bbroke\s+into\s+my\b",
        r"\bknows\s+where\s+(?:we|i|she|they)\s+(?:live|are)\b",
        r"\bto\s+get\s+away\s+from\s+(?:him|her)\b",
        r"\bgrabb?(?:ed|s|ing)?\s+(?:me|her|him|mum|my)\b",
        r"\bpush(?:ed|es)?\s+(?:me|her|him)\s+(?:down|over|into|against)",
        r"\bby\s+the\s+(?:neck|throat|hair)\b",
        r"\b(?:scared|afraid|terrified|frightened)\s+of\s+(?:my|her|his)\s+(?:ex|partner|husband|wife)",
        r"\b(?:punches|punched|smashed|smashes)\s+(?:the\s+)?(?:doors?|walls?|windows?|my\s+phone)",
        r"\bviolen(?:t|ce)\b",
        r"\b{adult}\s+(?:always\s+)?(?:shouts|screams|yells|rages)\b",
        r"\b(?:breaks|smashes|smashing|breaking|throws|throwing)\s+things\b",
        r"\bthings\s+(?:getting|being)\s+(?:thrown|broken|smashed)\b",
        r"\b(?:always|constant(?:ly)?)\s+(?:fighting|arguing|shouting|screaming|rowing)\b",
        r"\bthreatening\s+(?:texts|messages|behaviou?r|me|her|him)\b",
        r"\bthreatens?\s+to\b",
        r"\bgasl(?:it|ight\w*)\b",
        r"\bmake\s+me\s+pay\b",
        r"\bmoved\s+(?:cos|because|coz|cuz)\s+of\s+(?:him|her)\b",
        r"\bpassports\b",
        r"\b(?:their|the\s+kids'?|children'?s|my\s+(?:son|daughter)'?s)\s+passports?\b",
        r"\b(?:chek|chec|check)\w*\s+my\s+(?:fone|phone|phne|messages|msgs|texts)\b",
        r"\b(?:looks?|looked|looking)\s+(?:at|through)\s+(?:all\s+)?my\s+(?:phone|messages|texts|emails|bank)\b",
        r"\b(?:keeps|kept|has|took|takes|holds)\s+(?:all\s+)?(?:the|my|our)\s+(?:bank\s+cards?|cards|money|keys|passwords)\b",
        r"\b(?:ask|asks|asking)\s+(?:his|her|him)\s+(?:for\s+)?permission\s+(?:to|before|for)\b",
        r"\bnot\s+allowed\s+to\s+(?:work|drive|see\s+my|go\s+out|have\s+(?:money|friends|a\s+phone)|leave|spend)\b",
        r"\btracker\b",
        r"\bisolat(?:es|ed|ing)\s+(?:me|her|him)\b",
        r"\b(?:all|knows)\s+my\s+passwords\b",
        r"\bif\s+i\s+leave\s+(?:him|her|he|she)?\b.{0,30}\b(?:he|she)\s*'?(?:ll|\s+will|\s+would|d)\b",
        r"\bgoes\s+mad\s+if\s+i\b",
        r"\b(?:rings?|calls?|texts?)\s+me\s+\d+\s+times\b",
    ],
    "exploitation": [
        r"\bcounty\s*lines?\b",
        r"\bcuckoo(?:ing|ed)\b",
        r"\bolders?\s+(?:make|makes|made|making|got|get|tell|told|have)\s+(?:me|him|her|us)\b",
        r"\b(?:carry|carrying|hold|holding|take|taking|drop|dropping|deliver\w*|run|running)\s+(?:stuff|packages?|parcels?|a\s+bag|bags|drugs|gear|food)\s+(?:for|to)\b",
        r"\bparcels\b",
        r"\b(?:sends?|sent|give|gives|gave|pays?|paid|offer\w*)\s+(?:me|her|him|us)\s+(?:money|cash|£\d+|v\s?-?bucks|robux|gift\s+cards?)\s+(?:for|if)\b",
        r"\bmoney\s+for\s+(?:pics|pictures|photos|nudes|videos|'?outfit)",
        r"\b(?:send|sent|sending)\s+(?:him|her|them)\s+(?:pics|pictures|photos|nudes)\b",
        r"\b(?:bikini|underwear|outfit)\s+(?:pics|pictures|photos)\b",
        r"\bpics\s+in\s+(?:my|her|his)\s+(?:bikini|underwear|pants)\b",
        r"\bv\s?-?bucks\b",
        r"\btop\s+off\b",
        r"\bgroom\w*",
        r"\bexploit\w*",
        r"\bsextort\w*",
        r"\b(?:said|says|told\s+\w+)\s+not\s+to\s+tell\b",
        r"\bnot\s+to\s+tell\s+(?:anyone|any1|anybody|us|my\s+\w+|your\s+\w+|ur\s+\w+)",
        r"\b(?:our|their|a)\s+(?:little\s+)?secret\b",
        r"\b(?:going|goes|gone|went|been)\s+missing\b",
        r"\bmissing\s+(?:from|overnight|again)\b",
        r"\b(?:new|2nd|second|another|extra|different)\s+phones?\b(?!\s+(?:number|no\b))",
        r"\b(?:loads\s+of|lots\s+of|a\s+lot\s+of|wads?\s+of|with)\s+(?:cash|money)\b",
        r"\bcomes?\s+back\s+with\s+(?:cash|money|new)\b",
        r"\bsell(?:s|ing)?\s+drugs\b",
        r"\bdrug\s+(?:dealer|dealing|runs?)\b",
        r"\btrap\s+house\b",
        r"\bowe\s+(?:him|them|her)\b",
        r"\bmeet\s+up\b.{0,60}\bnot\s+to\s+bring\b",
        r"\bnot\s+to\s+bring\s+anyone\b",
        r"\bpicks?\s+(?:her|him)\s+up\s+in\s+a\b",
        r"\bgets?\s+into\s+cars\b",
        r"\b(?:give|gives|gave|giving)\s+(?:us|me|her|him|them|the\s+girls|the\s+boys)\s+(?:vapes|weed|drink|alcohol|lifts|money|drugs|cigarettes|fags)",
        r"\bparties\s+with\s+(?:older\s+)?(?:men|lads|guys)\b",
        r"\b(?:he'?s|hes|he\s+is|is)\s+(?:about\s+|like\s+)?(?:19|2\d|3\d|4\d)\b.{0,40}\b(?:i'?m|im|i\s+am|she'?s|shes|she\s+is|he'?s|hes)\s+(?:1[0-5]|[89])\b",
        r"\b(?:i'?m|im|i\s+am)\s+(?:1[0-5])\b.{0,60}\b(?:he'?s|hes|he\s+is)\s+(?:about\s+|like\s+)?(?:19|2\d|3\d)\b",
        r"\bmature\s+for\s+(?:my|her|his)?\s*(?:age|1[0-5])\b",
        r"\bolder\s+(?:man|men|lads?|guy|guys|bloke|boyfriend)\b",
        r"\bman\s+(?:in\s+his\s+)?(?:thirties|twenties|forties|30s|20s)\b",
        r"\b(?:boyfriend|bf|fella|friend|man|guy|bloke)(?:'|\")?\s+(?:who\s+)?(?:is|'s|s)\s+(?:like\s+|about\s+|nearly\s+)?(?:1[89]|[2-6]\d)\b(?!\s*(?:min|mins|minutes|hours|miles|days|weeks|%))",
        r"\bhe'?s\s+(?:like|about|nearly|over)\s+(?:[2-6]\d)\b(?!\s*(?:min|mins|minutes|hours|miles|days|weeks|%))",
        r"\bbuys?\s+(?:me|her|him)\s+(?:things|stuff|presents|gifts)\b",
        r"\bwhat\s+(?:i'?m|im|she'?s|shes|i\s+am)\s+wearing\b",
        r"\bkeep\s+(?:it|this|their\s+\w+|our\s+\w+|the\s+\w+)\s+(?:a\s+)?secret\b",
        r"\brobux\b",
        r"\brunning\s+errands\b",
        r"\bextremis\w*",
        r"\bradicalis\w*",
        r"\bceop\b",
        r"\bforced\s+(?:to\s+)?marr\w*",
        r"\bto\s+marry\b",
        r"\bmarried\s+off\b",
        r"\b(?:taken|sent|taking|sending|going)\s+(?:abroad|overseas|back\s+home|to\s+\w+)\b.{0,60}\bmarr(?:y|ied|iage)\b",
        r"\b(?:job|work|working|graft)\s+(?:delivering|dropping|running|for\s+(?:him|them|my\s+mate|an?\s+older))\b",
        r"\bother\s+towns\b",
        r"\b(?:pays?|paid|paying)\s+(?:me|us|him|her)\s+(?:in\s+)?cash\b",
        r"\b(?:pays?|paid|paying)\s+in\s+cash\b",
        r"\bpay\s+(?:him|them|her)\s+back\s+later\b",
        r"\bowe\s+(?:him|them|her|\w+)\s+£?\d+",
        r"\bonline\s+(?:friend|boyfriend|bf|mate)\b",
        r"\bmet\s+(?:someone|a\s+(?:boy|man|guy|lad|girl)|him|her)\s+on\s+(?:fortnite|roblox|snap\w*|insta\w*|tiktok|discord|xbox|ps[45]|playstation|minecraft|an?\s+app|online|the\s+internet|whatsapp|a\s+game)\b",
        r"\b(?:the\s+only\s+one\s+who\s+(?:gets|understands)\s+me)\b",
        r"\b(?:says|said)\s+(?:he|she)\s+loves\s+me\b",
        r"\b(?:in\s+real\s+life|irl)\b",
        r"\b(?:men|man|lads|blokes)\s+in\s+(?:different\s+)?cars\b",
        r"\bpicked\s+up\s+by\s+(?:men|older|a\s+man|different|strangers)\b",
        r"\bfree\s+(?:weed|vapes|drink|drugs|alcohol|fags)\b",
        r"\bbuys?\s+(?:me|her|him|us)\s+(?:vapes|weed|drink|alcohol|fags|cigarettes)\b",
        r"\banswer(?:ing)?\s+(?:the|a|his|their)\s+(?:phone|line)\s+for\s+(?:him|them|her)\b",
        r"\btake\s+stuff\s+(?:wherever|where|to)\b",
        r"\b(?:send|share|post|leak|show)\w*\s+(?:my|her|his)\s+(?:pics|pictures|photos|nudes|videos)\s+to\b",
        r"\bdisappear(?:s|ing|ed)?\s+for\s+(?:days|nights|hours|the\s+weekend)\b",
        r"\b(?:older|big)\s+(?:boys|kids|girls|lads)\s+(?:let|lets|give|gives|gave|make|makes|made|get|gets|got|pay|pays|paid)\s+(?:us|me|him|her|them)\b",
    ],
    "unsafe_home": [
        r"\b(?:don'?t|dont|do\s+not|never|doesn'?t|doesnt)\s+feel\s+safe\b",
        r"\bnot\s+safe\s+(?:at|in|with|there|here|when)\b",
        r"\bunsafe\b",
        r"\bscared\s+(?:of|to\s+go)\b",
        r"\b(?:frightened|terrified|afraid)\s+(?:of|to)\b",
        r"\b(?:is|was|are|gets|get|so|really|very)\s+scary\b",
        r"\b(?:hide|hides|hiding|hid)\s+(?:under|in)\s+(?:the|my|our|his|her)\s+(?:bed|wardrobe|room|cupboard|bathroom)",
        r"\block(?:s|ed)?\s+(?:me|him|her|us|them)\s+(?:in|out)\b",
        r"\blocked\s+in\s+(?:my|his|her|the|our)\s+(?:room|bedroom|box\s+room|house|garage|cupboard)",
        r"\block(?:s|ed)?\s+(?:my|his|her|the)\s+(?:bedroom\s+)?door\b",
        r"\bsleep\s+in\s+the\s+(?:garage|shed|car)\b",
        r"\bgets?\s+(?:really\s+|very\s+|so\s+)?(?:angry|mad|nasty|weird|violent|aggressive)\b",
        r"\bpunched\s+the\s+wall\b",
        r"\bif\s+i\s+tell\b",
        r"\bdon'?t\s+tell\s+(?:him|her|them|anyone|my\s+\w+)\s+i\s+(?:said|told|wrote)",
        r"\bmade\s+me\s+promise\s+not\s+to\s+(?:say|tell)\b",
        r"\bwon'?t\s+tell\s+(?:me|anyone)\s+why\b",
        r"\b(?:run|running|ran|runs)\s+away\b",
        r"\bguns?\b",
        r"\b(?:hits|kicks|kicked|hit|hurts)\s+(?:the|our|my)\s+(?:dog|cat|pets?)\b",
        r"\balways\s+(?:angry|mad|drunk)\b",
        r"\b(?:chair|wardrobe|drawers?|bed)\s+(?:against|behind|up\s+against)\s+(?:my|the)\s+door\b",
        r"\b(?:scared|skared|scard|frightened|terrified|afraid)\s+(?:all\s+the\s+time|at\s+night|when|to\s+(?:go|be)\s+(?:home|back))\b",
        r"\b(?:skared|scard)\b",
        r"\b(?:don'?t|dont|do\s+not)\s+(?:want|wanna)\s+(?:to\s+)?go\s+(?:back\s+)?(?:home|there)\b",
        r"\b(?:don'?t|dont|do\s+not)\s+make\s+me\s+go\s+(?:back|home)\b",
        r"\bmove\s+me\s+(?:from|out\s+of)\s+(?:this|my|the)\s+(?:foster|placement|home|house|children'?s\s+home)",
        r"\bhate\s+it\s+here\b",
    ],
    "risk_ignored": [
        r"\b(?:said|says|thinks|thought)\s+(?:i'?m|im|i\s+was|she'?s|he'?s|shes|hes)\s+making\s+(?:it|things|stuff)\s+up\b",
        r"\bclosed\s+(?:the|my|our|her|his)\s+(?:referral|case)\s+without\s+(?:visiting|seeing|speaking|talking|a\s+visit|checking)",
        r"\b(?:wasn'?t|was\s+not|isn'?t|is\s+not|not)\s+a\s+(?:social\s+care|police)\s+matter\b",
        r"\b(?:left|leaves)\s+out\s+(?:everything|what|all)\s+(?:i|we|she|he)\s+(?:said|told)\b",
        r"\b(?:didn'?t|did\s+not|never|wouldn'?t|would\s+not)\s+(?:write|put|record|note)\s+(?:it|that|this)\s+(?:down|in)\b",
        r"\btold\s+(?:to|me\s+to)\s+(?:call|ring)\s+back\b",
    ],
}

# Idioms and procedural phrases in which a lexicon word is not a disclosure. A match is dropped
# only when it lies wholly inside one of these (or one of policy_lexicon.NOT_DISCLOSURES), so a
# disclosure next to an idiom still flags.
IDIOMS: list[str] = [
    r"\b(?:wait|waiting|court|case|process|paperwork|stress|this|it|that|job|queue|uncertainty|not\s+knowing)(?:\s+\w+){0,2}\s+(?:is|are|was)\s+(?:literally\s+|actually\s+|honestly\s+)?killing\s+me\b",
    r"\bcould\s+(?:murder|kill)\s+(?:a|for\s+a)\s+\w+",
    r"\bdying\s+(?:for|to)\s+(?:a|see|know|go)\b",
    r"\babuse\s+of\s+(?:process|power|position|trust|the\s+system)\b",
    r"\bhit\s+me\s+up\b",
    r"\bbeat(?:s|en)?\s+(?:me|him|her|us)\s+(?:at\s+(?:fifa|football|chess|cards|monopoly|uno|pool|darts|tennis|racing|mario\s*kart|(?:the\s+|a\s+)?(?:games?|\w+\s+game))|to\s+it)\b",
    r"\b(?:it|that|this|reality)\s+(?:really\s+|suddenly\s+|just\s+|finally\s+)?hit\s+me\b",
    r"\bhead\s+(?:is\s+)?(?:literally\s+)?exploding\b",
    r"\b\d+\s*kms\b",
    r"\bcutting\s+(?:through|corners|edge|it\s+fine|costs?|back|down|out|off|the\s+(?:grass|hedge|cake|budget))\b",
    r"\bcutting\s+(?:my|his|her)\s+(?:hair|nails|hours)\b",
    r"\bmissing\s+(?:from\s+the\s+(?:report|letter|file|record|notes|bundle))",
    r"\b(?:report|letter|letters|bundle|file|page|pages|documents?|information|post|mail|parcels?|forms?|paperwork)\s+(?:\w+\s+){0,3}?(?:is|was|were|are|has\s+gone|went|goes|keeps\s+going|going)\s+missing\b",
    r"\bscared\s+of\s+(?:the\s+)?(?:dark|spiders?|dogs?|needles|the\s+judge|court|going\s+to\s+court|the\s+hearing|getting\s+it\s+wrong)\b",
    r"\bnervous\s+(?:wreck)\b",
    r"\b(?:(?:want|wanted|wanna|could|gonna|going)\s+(?:to\s+)?)?die\s+of\s+(?:embarrassment|shame|boredom)\b",
    r"\bdomestic\s+(?:abuse|violence)\s+(?:charity|charities|unit|service|services|team|assessment|training|course|policy|practice|guidance|awareness|worker|officer|screening|programme|investigation|specialist|champion|organisation)\w*",
    r"\bimpact\s+of\s+domestic\s+(?:abuse|violence)\b",
    r"\bchild\s+abuse\s+investigation\s+(?:team|unit)\b",
    r"\bscared\s+of\s+(?:(?:his|her|the|my|their|our|dads?|mums?)\s+){0,2}dogs?\b",
    r"\bthreatens?\s+to\s+(?:complain|go\s+to\s+the\s+press|report|leave\s+the)\b",
    r"\b(?:glue|nerf|water|nail|staple|heat|toy|cap|bb|paintball|starting|spray)\s+guns?\b",
    r"\b(?:bring|brought|send|sent|renew\w*|apply\w*\s+for|copies\s+of|copy\s+of|need|needs)\s+(?:\w+\s+){0,2}passports?\b",
    r"\b(?:officer|worker|adviser|advisor|guardian|fca|sw|inspector)\s+(?:\w+\s+){0,2}turned\s+up\s+at\s+(?:my|the|our)\s+(?:house|door|flat|work|workplace|school)\b",
    r"\bsqueez\w*\s+(?:me|him|her|us|them)\s+in\b",
    r"\b(?:checked|checking|checks|check|looking\s+at|looked\s+at|on|scrolling)\s+(?:his|her|their)\s+phones?\s+(?:while|when|the\s+whole|all\s+through|throughout|during|in\s+the\s+middle)\b",
    r"\bcruel\s+(?:decision|way|process|system|timing|thing\s+to\s+(?:do|say))\b",
]

HEDGE_CUES = re.compile(
    r"\b(?:not|never|no|didn'?t|didnt|don'?t|dont|doesn'?t|wasn'?t|isn'?t|hasn'?t|deny|denies|denied|"
    r"accus\w*|alleg\w*|claim\w*|says\s+i|said\s+i|friend|friends|someone|a\s+girl|a\s+boy|pupil|"
    r"classmate|neighbour|if|whether|history|historic|previous)\b",
    re.IGNORECASE,
)
HEDGE_LOOKBACK = 60
DIRECT_SCORE = 0.95
HEDGED_SCORE = 0.8


BASE = "lexicon"


@dataclass(frozen=True)
class RuleMatch:
    """One lexicon hit: its sub-type, the exact text matched and where, and the rule family
    (BASE or one of policy_lexicon.FAMILIES) whose pattern matched."""

    subtype: str
    span: str
    start: int
    end: int
    hedged: bool
    family: str = BASE


@dataclass(frozen=True)
class RuleResult:
    """Every hit in one text; flagged when there is at least one."""

    matches: list[RuleMatch]

    @property
    def flagged(self) -> bool:
        """Whether any rule matched."""
        return bool(self.matches)

    @property
    def subtypes(self) -> list[str]:
        """The sub-types matched, in a stable order."""
        return sorted({m.subtype for m in self.matches})

    @property
    def evidence(self) -> list[str]:
        """The matched spans, in order of appearance, each once."""
        spans = sorted(self.matches, key=lambda m: (m.start, m.end))
        return list(dict.fromkeys(m.span for m in spans))

    @property
    def score(self) -> float:
        """How sure the rules are: lower when every hit is negated, hedged or about others."""
        if not self.matches:
            return 0.0
        return HEDGED_SCORE if all(m.hedged for m in self.matches) else DIRECT_SCORE


def _expand(pattern: str) -> str:
    for key, value in _SHORTHAND.items():
        pattern = pattern.replace(key, value)
    # Any apostrophe may be typed straight, curly or not at all.
    return pattern.replace("'?", "\x00").replace("'", "\x00").replace("\x00", "['\u2019]?")


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_expand(p)})" for p in patterns), re.IGNORECASE)


@cache
def _compiled() -> tuple[dict[tuple[str, str], re.Pattern[str]], re.Pattern[str]]:
    families = {BASE: LEXICON, **FAMILIES}
    lexicon = {
        (family, subtype): _alternation(patterns)
        for family, subtypes in families.items()
        for subtype, patterns in subtypes.items()
    }
    return lexicon, _alternation(IDIOMS + WELSH_IDIOMS + NOT_DISCLOSURES)


@cache
def _compiled_lower() -> dict[tuple[str, str], re.Pattern[str]] | None:
    """The lexicon without IGNORECASE, for ASCII text lowercased first: about three times
    faster, as Python's case-insensitive matching compares every character twice. The same
    matches at the same places, since every letter in the patterns is lowercase ASCII or not
    ASCII and folds to nothing ASCII, which ASCII text cannot match either way. None if a
    pattern breaks that."""
    lexicon, _ = _compiled()
    for pattern in lexicon.values():
        # Escapes (\S, \W, \B...) are not letters to match; the rest are.
        for c in re.sub(r"\\.", "", pattern.pattern):
            if c.isascii() and c.isupper():
                return None
            # A character that folds to or from ASCII (the long s, the Kelvin sign).
            if not c.isascii() and any(f.isascii() for f in (c.lower(), c.upper(), c.casefold())):
                return None
    return {key: re.compile(pattern.pattern) for key, pattern in lexicon.items()}


def _hits(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """Each lexicon hit in the text: its family, sub-type and span."""
    lower = _compiled_lower() if text.isascii() else None
    if lower is not None:
        folded = text.lower()
        return [
            (family, subtype, hit.span())
            for (family, subtype), pattern in lower.items()
            for hit in pattern.finditer(folded)
        ]
    lexicon, _ = _compiled()
    return [
        (family, subtype, hit.span())
        for (family, subtype), pattern in lexicon.items()
        for hit in pattern.finditer(text)
    ]


def check(text: str) -> RuleResult:
    """Run every safeguarding rule over a text and return the hits."""
    _, idioms = _compiled()
    found = _hits(text)
    # Most texts match nothing; only those that do pay for the allow-list.
    allowed = [m.span() for m in idioms.finditer(text)] if found else []
    matches = []
    for family, subtype, (start, end) in found:
        if any(a <= start and end <= b for a, b in allowed):
            continue
        hedged = bool(HEDGE_CUES.search(text[max(0, start - HEDGE_LOOKBACK) : start]))
        matches.append(RuleMatch(subtype, text[start:end], start, end, hedged, family))
    return RuleResult(matches)
