# ruff: noqa: E501 -- the lexicons are data, one pattern a line.
"""Safeguarding rule families for the policy adopted in issue 14, and what they must not flag.

The policy (DOMAIN.md, "What counts as safeguarding") counts any reference to harm, past or
present, however it is framed and in any kind of message. The base lexicon in rules.py was built
for disclosures told in the present; these families cover what it missed: harm told in the past
tense or by euphemism inside thanks and audits, threats (including after a case closed), a
survivor's safety, signs of neglect, children caring for adults, and Welsh. Each family is kept
apart so a test can show that none of them fires on the corpus's hard negatives.

NOT_DISCLOSURES are spans in which a lexicon word is not a disclosure: the writer denying what a
report or an ex says of them, and an injury the writer explains by an accident. A match is dropped
only when it lies wholly inside one, so "the report says I hit her, but he hits the kids" still
flags on "hits the kids".
"""

FAMILIES: dict[str, dict[str, list[str]]] = {
    # Harm referred to as past, or without naming it: "what he did to me", "she believed me".
    "past_harm": {
        "physical_abuse": [
            r"\bused\s+to\s+(?:hit|beat|batter|hurt|kick|punch|slap|smack|strangle|choke|belt|whack)\s+(?:me|us|her|him|them|mum|mam|my\s+\w+)\b",
            r"\b(?:put|puts|putting|laid|lay)\s+(?:his|her|their|a)\s+(?:hands?|finger)\s+on\s+(?:me|us|her|him|them|the\s+(?:kids|children)|my\s+\w+)\b",
            r"\bput\s+(?:me|her|him|us|mum|my\s+\w+)\s+in\s+(?:hospital|a\s*&\s*e|a\s+and\s+e)\b",
            r"\bwent\s+for\s+(?:me|her|him|us|mum|my\s+\w+)\s+with\b",
            r"\b(?:hurt|harmed|abused|attacked|hurting)\s+(?:the|my|our|his|her)\s+(?:kids|children|baby|son|daughter|boys?|girls?)\b",
            r"\bhurt\s+(?:mummy|mum|mam|mammy|daddy|dad|my\s+mum|my\s+dad)\b",
        ],
        "domestic_abuse": [
            r"\b(?:get|got|getting|gets|escaped?|escaping|fled|flee|fleeing)\s+(?:us\s+|me\s+|the\s+kids\s+)?(?:away\s+)?from\s+(?:him|my\s+ex|my\s+(?:ex-?)?(?:husband|wife|partner|boyfriend|girlfriend)|(?:their|the\s+kids'?)\s+(?:dad|father)|my\s+abuser)\b",
            r"\bsurvivors?\b(?!\s+(?:group|network|forum|service)s?\b)",
            r"\b(?:everything|all)\s+(?:he|she)\s+(?:did|had\s+done|put\s+(?:me|us|her|them)\s+through)\b",
            r"\binjunction\b",
        ],
        "unsafe_home": [
            r"\bwhat\s+(?:he|she|they|my\s+(?:\w+\s+)?\w+|his\s+\w+|her\s+\w+|their\s+\w+|that\s+man|that\s+woman|the\s+(?:\w+\s+)?\w+|grandad|grampy|grandpa|uncle\s+\w+|step\s?dad)\s+(?:did|had\s+done|has\s+done|was\s+doing|used\s+to\s+do)\s+to\s+(?:me|us|her|him|them|my\s+\w+)\b",
            r"\b(?:stuff|things|what)\s+(?:\w+\s+){0,3}used\s+to\s+(?:do|make\s+(?:me|her|him|us)\s+do)\b",
            r"\bwhat\s+(?:happened|went\s+on)\s+(?:to\s+(?:me|us|her|him|them)\b|at\s+(?:home|my\s+(?:old\s+)?(?:placement|foster\s+\w+|dad'?s|mum'?s|house|home|school)|(?:his|her|their|dad'?s|mum'?s)\s+(?:house|flat))|when\s+i\s+was\s+(?:little|young|small|a\s+kid|a\s+child))",
            r"\bbeliev(?:e|ed|ing)\s+(?:me|us|her|him|my\s+(?:son|daughter|child|boy|girl))\s+about\s+(?:what|him|her|my\s+\w+|his\s+\w+|the\s+abuse|it\s+all)\b",
            r"\bbelieved\s+(?:me|us|her|him|my\s+(?:son|daughter|child))\s+when\s+no\s*(?:one|body)\s+(?:else\s+)?(?:did|would)\b",
            r"\b(?:first|only)\s+(?:person|one|grown[\s-]?up|adult|professional)\s+(?:who|that|to)\s+(?:ever\s+)?believed\s+(?:me|us|her|him)\b",
            r"\b(?:his|her|their|my\s+(?:son|daughter|child)'?s|a\s+(?:child|pupil|young\s+person)'?s|the\s+(?:child|pupil)'?s)\s+disclosure\b(?!\s+(?:of|bundle|form|request|documents?|order))",
            r"\b(?:she|he|they|my\s+(?:son|daughter|child))\s+(?:had\s+)?disclosed\b",
            r"\b(?:scared|afraid|frightened|too\s+scared)\s+to\s+(?:tell|say|speak\s+up|talk)\b",
            r"\b(?:feel|feels|felt|are|am|is|were|be)\s+(?:finally\s+)?safe\s+(?:now|at\s+last|again|from\s+(?:him|her|them))\b",
            r"\b(?:finally|at\s+last)\s+safe\b",
            r"\bsafe\s+enough\s+to\s+(?:tell|talk|say|speak)\b",
        ],
    },
    # Threats, including new ones about a closed case: "he turned up at the school gates again".
    "threats": {
        "domestic_abuse": [
            r"\bthreat(?:en|ens|ened|ening)?\s+(?:me|us|her|him|them|my\s+\w+|the\s+(?:kids|children|family))\b(?!\s+with\s+(?:court|legal|proceedings|a\s+complaint))",
            r"\bthreats?\s+(?:from|off|by)\s+(?:him|her|them|my\s+\w+|his\s+\w+|her\s+\w+)\b",
            r"\b(?:abusive|nasty|threatening)\s+(?:texts?|messages?|calls?|voicemails?|letters?|emails?)\b",
            r"\b(?:he|she|they|my\s+ex)\s*(?:'?ll|\s+will|\s+would|'?d|\s+is\s+going\s+to|'?s\s+going\s+to|\s+was\s+going\s+to|\s+said\s+he\s+would|\s+said\s+she\s+would)\s+(?:find|get|come\s+for|come\s+after|snatch|hurt|kill|make\s+(?:me|us)\s+pay\s+for)\s+(?:me|us|her|him|them|the\s+(?:kids|children)|my\s+\w+)\b",
            r"\b(?:take|snatch)\s+(?:the\s+kids|the\s+children|them|her|him)\s+(?:away\s+from\s+(?:me|us)|off\s+(?:me|us)|abroad|out\s+of\s+the\s+country)\b",
            r"\b(?:he|she|they|my\s+ex|their\s+dad|their\s+father)\s+(?:has\s+been\s+|'?s\s+been\s+|was\s+|is\s+|keeps?\s+)?(?:hanging\s+around|waiting|sat|sitting|parked|standing|watching|driving|drove|drives)\s+(?:\w+\s+){0,2}(?:outside|past|near|by|at)\s+(?:the\s+|our\s+|my\s+|her\s+|his\s+)?(?:school|gates?|house|flat|home|nursery|door|work)\b",
            r"\b(?:follow(?:s|ed|ing)?|track(?:s|ed|ing)?)\s+(?:me|us|her|the\s+kids|the\s+children)\s+(?:home|to\s+(?:school|work|the)|around|everywhere|from)\b",
            r"\bwatching\s+(?:the\s+|our\s+|my\s+)?(?:house|flat|school)\b",
            r"\b(?:say\w*|said|threat\w*|messag\w*|text\w*)\s+(?:that\s+)?(?:he|she|they)\s*(?:'?s|\s+is|\s+was|'?ll|\s+will|'?d|\s+would)\s+(?:coming|come|going)\s+(?:to\s+get|for|after)\s+(?:us|me|her|him|them|the\s+kids)\b",
            r"\b(?:the|his|her|more|death|constant|same|those)\s+threats\b",
            r"\bknows\s+(?:where\s+(?:my|our|her|his|we|i|she|the\s+kids)\b|what\s+(?:town|area|street|school)\b)",
        ],
    },
    # A survivor's family whose safety depends on not being found.
    "survivor_safety": {
        "domestic_abuse": [
            r"\b(?:he|she|they|my\s+ex|his\s+family|her\s+family|their\s+dad)\s+(?:is\s+|are\s+|'?s\s+|'?re\s+)?(?:still\s+)?(?:looks?|looking|searching|trying\s+to\s+find|asking\s+around)\s+(?:for\s+)?(?:us|me|her|them|where\s+(?:we|i|she)\s+(?:live|are|went|moved))\b",
            r"\bstill\s+(?:looks?|looking|searching)\s+for\s+(?:us|me|her)\b",
            r"\b(?:trying|tried|try)\s+to\s+(?:find|track|locate)\s+(?:us|me|her|where\s+(?:we|i|she))\b",
            r"\bkeep\s+(?:our|my|her|the)\s+(?:new\s+)?(?:address|location|school|details|number)\s+(?:\w+\s+){0,3}?(?:from|away\s+from)\s+(?:him|her|them|my\s+ex|the\s+(?:father|dad|other\s+side))\b",
            r"\b(?:he|she|they|my\s+ex)\s+(?:mustn'?t|must\s+not|can'?t|cannot|shouldn'?t|must\s+never)\s+(?:know|find\s+out|get|see|have)\s+(?:where|our|my|the\s+(?:new\s+)?(?:address|school))\b",
            r"\b(?:don'?t|do\s+not|never)\s+let\s+(?:him|her|them|my\s+ex)\s+(?:know|find\s+out|have|see)\s+(?:where|our|my)\b",
            r"\bif\s+(?:he|she|they|my\s+ex)\s+(?:ever\s+)?(?:finds?|found|tracks?|tracked)\s+(?:us|me|her|out\s+where)\b",
            r"\b(?:in\s+hiding|safe\s+house|new\s+identit(?:y|ies))\b",
            r"\b(?:driv\w*|drove|go(?:es|ing)?|went|walk\w*|hang\w*)\s+(?:round|around|about)\s+(?:\w+\s+){0,3}looking\s+for\s+(?:us|me|her|them)\b",
            r"\b(?:goes|going|go|went|been\s+going|gone)\s+(?:thru|through)\s+my\s+(?:post|mail|letters|bag|things)\b",
            r"\bchecks?\s+(?:the|my|our)\s+post\b",
            r"\b(?:found|find|finds)\s+us\s+(?:once|again|before)\b",
            r"\bkeep\w*\s+(?:our|my|her|the)\s+(?:new\s+)?address\s+(?:out\s+of|off)\b",
            r"\bmoved\s+(?:areas|away|counties|towns|cities|miles\s+away)\s+(?:to\s+get\s+away|because\s+of\s+(?:him|her)|to\s+be\s+safe|so\s+(?:he|she)\s+(?:can'?t|couldn'?t|wouldn'?t))\b",
        ],
    },
    "neglect_signs": {
        "neglect": [
            r"\b(?:no|not\s+(?:any|enough))\s+(?:clean\s+)?(?:coat|shoes|nappies|milk|formula)\b",
            r"\bnot\s+enough\s+(?:to\s+eat|food)\b",
            r"\b(?:isn'?t|aren'?t|not|never|hasn'?t|haven'?t|wasn'?t|weren'?t)\s+(?:being\s+|been\s+|getting\s+)?(?:washed|bathed)\b",
            r"\b(?:dirty|soiled|smelly|unwashed)\s+(?:clothes|nappy|nappies|bedding|sheets|uniform)\b",
            r"\b(?:goes|go|went|sent|comes?|came|turns?\s+up|turned\s+up)\s+(?:in\s+)?to\s+(?:school|nursery)\s+(?:hungry|dirty|smelly|without\s+(?:breakfast|a\s+coat|lunch|shoes))\b",
            r"\bfend\s+for\s+(?:himself|herself|themselves|myself|ourselves)\b",
            r"\bnot\s+(?:been\s+)?(?:taken|took)\s+to\s+(?:the\s+)?(?:doctor|gp|dentist|hospital|his\s+appointments|her\s+appointments)\b",
            r"\bmattress\s+on\s+the\s+floor\b",
            r"\bliving\s+on\s+(?:crisps|cereal|toast|noodles|biscuits|nothing)\b",
            r"\bnothing\s+in\s+for\s+(?:breakfast|tea|dinner|lunch)\b",
            r"\b(?:left|leaves|leaving)\s+(?:\w+\s+){0,3}on\s+(?:their|his|her|my|our)\s+own\s+(?:every|all|at\s+night|overnight|in\s+the)\b",
            r"\b(?:she|he|mum|mam|dad|they|my\s+\w+)\s+(?:drinks|drinking|is\s+drinking)\s+(?:all\s+the\s+time|in\s+the\s+day|every\s+day|during\s+the\s+day|too\s+much|again)\b",
            r"\b(?:had|has)\s+(?:too|to)\s+much\s+(?:wine|to\s+drink|drink|vodka|beer|cider)\b",
            r"\bhid(?:e|es|ing)\s+(?:her|his|my|mum'?s|dad'?s)\s+(?:\w+\s+)?bottles\b",
            r"\b(?:sofa[\s-]?surf\w*|sleeping\s+rough|homeless)\b",
            r"\bnowhere\s+to\s+(?:live|stay|sleep)\b",
            r"\b(?:mum|mam|dad)\s+(?:can'?t|cannot|doesn'?t|won'?t|never)\s+get(?:s)?\s+out\s+of\s+bed\b",
        ],
    },
    # Children caring for the adults who should care for them.
    "young_carers": {
        "neglect": [
            r"\b(?:i'?m|i\s+am|is|was|as|being)\s+a\s+young\s+carer\b",
            r"\b(?:the|my|his|her|for|from)\s+young\s+carers?[\x27\u2019]?\s+(?:card|club|assessment|service|worker|group|team|support|break|trip)\b",
            r"\b(?:does|doing|did)\s+(?:all\s+)?(?:my|her|(?:(?:his|her|my)\s+)?(?:mum|mam|dad|nan|gran)'?s)\s+(?:meds|medication|tablets|insulin|injections|dressings)\b",
            r"\b(?:i|we)\s+(?:\w+\s+){0,2}(?:look|looks|looking|looked)\s+after\s+(?:my\s+)?(?:mum|mam|mom|dad|mother|father)\b(?![\x27\u2019]s)",
            r"\b(?:i|we)\s+(?:\w+\s+){0,2}(?:care|cares|caring)\s+for\s+(?:my\s+)?(?:mum|mam|mom|dad|mother|father)\b(?![\x27\u2019]s)",
            r"\b(?:do|does|doing|did)\s+(?:all\s+)?(?:the\s+)?(?:cooking|cleaning|shopping|washing)\s+(?:and\s+(?:the\s+)?\w+\s+)?(?:for|cos|because|since|as)\s+(?:my\s+)?(?:mum|mam|dad)\b",
            r"\b(?:give|gives|giving|sort|sorts|sorting|remind\w*)\s+(?:my\s+)?(?:mum|mam|dad)\s+(?:her|his)?\s*(?:meds|medication|medicine|tablets|insulin|injections?)\b",
            r"\bmiss(?:ed|ing)?\s+(?:\w+\s+){0,2}school\s+(?:to|cos|because)\s+(?:\w+\s+){0,2}(?:look\s+after|care\s+for|stay\s+with|help)\s+(?:my\s+)?(?:mum|mam|dad|her|him)\b",
        ],
    },
    # Welsh, with the mutations a verb takes after fy "my/me" (nasal), ei "his/him" (soft) and
    # ei "her" (aspirate), and after "wedi fy" or "yn fy": taro, daro, nharo, tharo; curo, guro,
    # nghuro, churo; cicio, gicio, nghicio, chicio; brifo, frifo, mrifo; bwrw, fwrw, mwrw;
    # dyrnu, ddyrnu, nyrnu; cyffwrdd, gyffwrdd, nghyffwrdd, chyffwrdd. Spoken forms too: isio,
    # moyn, ishe for "want"; twtsio for "touch"; saff for "safe". Idioms that use the same
    # words (bwrw glaw, taro heibio, curo ar y drws, wedi fy nghyffwrdd "it moved me") are in
    # WELSH_IDIOMS below.
    "welsh": {
        "physical_abuse": [
            r"\b(?:fy|'?y|f')\s*(?:nharo|nghuro|nghicio|mwrw|nyrnu|mrifo|slapio|slapo|waldio|colbio)\b",
            r"\bei\s+(?:daro|tharo|guro|churo|gicio|chicio|fwrw|bwrw|ddyrnu|dyrnu|frifo|brifo|slapio|slapo|waldio|golbio|cholbio)\b",
            r"\b(?:ein|eu|dy)\s+(?:taro|curo|cicio|daro|guro|gicio|bwrw|dyrnu|brifo|frifo|slapio|waldio|colbio|golbio)\b",
            r"\b(?:taro|daro|curo|guro|cicio|gicio|bwrw|fwrw|dyrnu|ddyrnu|brifo|frifo|slapio|slapo|waldio|colbio|golbio|tharo|churo|chicio)\s+(?:fi|mi|ni|hi|fo|fe|nhw|chi|ti)\b",
            r"\b(?:taro|daro|curo|guro|cicio|gicio|dyrnu|ddyrnu|brifo|frifo|slapio|waldio)\s+(?:y\s+plant|y\s+babi|fy\s+mrawd|fy\s+chwaer|mam|dad)\b",
            r"\b(?:rhoi|roi|rhoddodd|rhoiodd)\s+(?:clustan|cweir|gweir|crasfa|grasfa|slap|peltan)\b",
            r"\b(?:cael|ges|gaes|ces|cafodd|gafodd)\s+(?:i\s+|e\s+|hi\s+|o\s+)?(?:clustan|cweir|gweir|crasfa|grasfa|peltan)\b",
            r"\b(?:cam-?drin|gam-?drin|nghamdrin|ngham-drin|cham-?drin|camdriniaeth|gamdriniaeth|chamdriniaeth)\b",
            r"\bcleisiau\b",
        ],
        "sexual_abuse": [
            r"\b(?:fy|'?y|f')\s*(?:nghyffwrdd|nhwtsio|nhwtshio)\b",
            r"\bei\s+(?:gyffwrdd|chyffwrdd|dwtsio|thwtsio|dwtshio)\b",
            r"\b(?:cyffwrdd|gyffwrdd|chyffwrdd|twtsio|dwtsio|twtshio)\s+(?:(?:â|a|ag)\s+)?(?:fi|mi|ni|hi|fo|fe)\b",
            r"\b(?:cyffwrdd|gyffwrdd|twtsio|dwtsio)\s+(?:(?:â|a|ag)\s+)?(?:fy|ei)\s+(?:nghorff|chorff|gorff|mhen[\s-]?ôl|rhannau\s+preifat|preifats)\b",
            r"\b(?:lluniau|llun)\s+(?:noeth|brwnt|budr)\b",
            r"\bcam-?drin\s+rhywiol\b",
            r"\b(?:treisio|dreisio|nhreisio|threisio)\b",
        ],
        "self_harm": [
            r"\bl?ladd\s+(?:fy|ei|dy|'?n|ein)\s+hun(?:an)?\b",
            r"\b(?:isio|eisiau|eisio|moyn|ishe|isie|eiso|mo'n)\s+(?:cael\s+)?marw\b",
            r"\bhunan[\s-]?(?:niwe|anafu|laddiad)\w*",
            r"\b(?:niweidio|anafu|torri|brifo|frifo|llosgi|cosbi)\s+(?:fy|ei|'?n)\s+hun(?:an)?\b",
            r"\b(?:ddim|dim)\s+(?:yn\s+)?(?:isio|eisiau|moyn|ishe)\s+(?:byw|bod\s+(?:yma|yma\s+ddim\s+mwy|yn\s+fyw))\b",
            r"\b(?:isio|eisiau|moyn)\s+byw\s+(?:dim\s+)?(?:mwy|rhagor)\b",
            r"\b(?:dim|does\s+dim|does\s+na\s+ddim)\s+pwynt\s+(?:i\s+fi\s+|i\s+mi\s+)?(?:byw|fyw|bod\s+yma|mynd\s+ymlaen)\b",
            r"\b(?:diwedd|terfyn)\s+ar\s+(?:fy|ei)\s+(?:mywyd|bywyd|fywyd|hun)\b",
            r"\bg?well\s+(?:eu\s+byd\s+)?(?:heb|hebdda|hebddo)\s*(?:i|fi|mi)\b",
            r"\bgorddos\w*",
            r"\b(?:cymryd|cymerais|cymrais|llyncu)\s+(?:lot\s+o|llwyth\s+o|gormod\s+o|y\s+)?(?:dabledi|tabledi|pils|pilsen)\b",
        ],
        "unsafe_home": [
            r"\b(?:ddim|dim)\s+yn\s+(?:teimlo'?n\s+|teimlo\s+yn\s+)?(?:saff|ddiogel|diogel)\b",
            r"\b(?:ofn|ofan|ofni)\s+(?:mynd\s+|bod\s+|aros\s+)?(?:adre|adref|gartre|gartref|nôl|yn\s+y\s+tŷ|yn\s+y\s+ty)\b",
            r"\b(?:ofn|ofan)\s+(?:dad|mam|fy\s+\w+|llys\s?dad|llys\s?fam|ei\s+\w+|e|fe|fo|hi|nhw)\b",
            r"\b(?:ofnus|dychryn|ddychryn|nychryn)\s+(?:gartref|gartre|adre|adref|yn\s+y\s+tŷ)\b",
            r"\b(?:cloi|gloi)\s+(?:fi|ni|fo|hi|fe)\s+(?:yn|mewn|allan)\b",
            r"\b(?:fy|'?y|f')\s*nghloi\b",
            r"\b(?:rhedeg|redeg)\s+(?:i\s+ffwrdd|bant)\b",
            r"\b(?:ddim|dim)\s+(?:isio|eisiau|moyn|ishe)\s+mynd\s+(?:adre|adref|gartre|gartref|nôl\s+adre)\b",
        ],
    },
}

# Welsh idioms built from the words above: in these a match is not a disclosure. Rain (bwrw glaw,
# bwrw hi lawr), dropping by (taro heibio, taro i mewn), having a look (taro golwg), "it strikes
# me as odd" (taro fi'n od), knocking at a door (curo ar y drws), winning a game (curo ni yn y
# gêm), "it moved me" (wedi fy nghyffwrdd yn fawr, cyffwrdd fy nghalon) and "the wait is killing
# me" (yn fy lladd i).
WELSH_IDIOMS: list[str] = [
    r"\bbwrw\s+(?:hi\s+)?(?:glaw|eira|cesair|(?:i\s+)?lawr|hen\s+wragedd)\b",
    r"\b(?:taro|daro)\s+(?:heibio|i\s+mewn|draw|golwg|cip|ar\s+(?:draws|rywbeth|syniad))\b",
    r"\b(?:taro|daro)\s+(?:fi|fi'?n|mi)\s*(?:'?n\s+)?(?:od|rhyfedd|fod|mai|bod|fel)\b",
    r"\b(?:curo|guro|churo)\s+(?:ar\s+y\s+drws|ar\s+ddrws|y\s+drws|dwylo|calon)\b",
    r"\b(?:curo|guro)\s+(?:fi|ni|hi|fo|fe|nhw|ti|chi)\s+(?:yn|mewn|ar)\s+(?:y\s+)?(?:gêm|gem|gemau|pêl[\s-]?droed|pel[\s-]?droed|ras|fifa|cardiau|gwyddbwyll|rygbi|cwis)\b",
    r"\b(?:wedi\s+)?(?:fy|'?y)\s+nghyffwrdd\s+(?:yn\s+fawr|i'?r\s+byw|yn\s+ddwfn)\b",
    r"\b(?:cyffwrdd|gyffwrdd)\s+(?:â\s+|a\s+)?(?:fy|ein)\s+(?:nghalon|calonnau)\b",
    r"\b(?:yn\s+)?fy\s+lladd\s+i\b",
]

# The writer's own actions as a report or an ex tells them, and the writer's denials.
_QUOTE = r"[\x27\"\u2018\u201c]?"
_ACCUSED = r"(?:violent|abusive|emotionally\s+abusive|aggressive|a\s+risk|neglect\w*|on\s+drugs|taking\s+drugs|an?\s+(?:drinker|alcoholic|addict)|(?:hit|hits|smack|smacked|slap|slapped|hurt|push|pushed|shove|shoved|kick|kicked|punch|punched|shook|shake|assault\w*|abus\w*|threaten\w*|drink\s+too\s+much)(?:\s+(?:my|the|our|her|him|them|his|me|us|anyone)(?:\s+\w+)?)?)"
_ACCUSED_ING = r"(?:violent|abusive|emotionally\s+abusive|aggressive|neglect\w*|domestic\s+(?:abuse|violence)|abus\w*|(?:hitting|smacking|slapping|hurting|pushing|kicking|punching|shaking|assaulting|threatening)(?:\s+(?:my|the|our|her|him|them|his|me)(?:\s+\w+)?)?)"
_I = rf"i(?:\s+have|\s+had|'?ve|'?d|\s+am|'?m|\s+was)?\s+{_QUOTE}"
# An accident the writer names for an injury, in the same or the next sentence. Doubt ("says he
# fell") or a word of harm in between, or doubt later in the sentence, keeps the flag, so the
# span never swallows a disclosure.
_INJURY = r"(?:bruis\w*|black\s+eye|(?:broke|broken|fractured|sprained)\s+(?:my|his|her|their)\s+\w+|cuts?|graze\w*|burns?|marks?|swollen|fat\s+lip|split\s+lip|cast)"
_ACCIDENT = r"(?:football|rugby|netball|hockey|cricket|basketball|pe|p\.e\.?|gym|trampolin\w*|trampleen|climbing\s+(?:wall|frame)|bike|scooter|skateboard\w*|skating|fell|falling|fall|tripped|slipped|play[\s-]?fighting|messing\s+about|mucking\s+about|in\s+goal|match|training|ruck|tackle|accident|glue\s+gun|bunk\s+bed|top\s+bunk|swings?|slide)"
_DOUBT_AFTER = r"(?![^.!?\n]*\b(?:says?|said|claims?|reckons?|lie|lies|lying|believe|always|every\s+time|again)\b)"
_NO_DOUBT = r"(?:(?!\b(?:says?|said|claims?|claimed|reckons?|supposedly|apparently|believe|story|excuse|lie|lies|lying|again|every\s+time|always|another|hit\w*|hurt\w*|punch\w*|kick\w*|slap\w*|push\w*|grab\w*|threw|shout\w*|scream\w*|scared|afraid|frightened|dad|mum|step\w*|boyfriend|partner)\b)[^\n])"

NOT_DISCLOSURES: list[str] = [
    rf"\b(?:says?|said|saying|states?|stated|claims?|claimed|claiming|alleges?|alleged|alleging|suggests?|suggested|implies|implied|wrote|written|writes|records?|recorded|describes?|described|put|puts|putting|told(?:\s+\w+){{0,2}}?)\s+(?:in\s+(?:the|your|her|his|their)\s+(?:report|letter|assessment|notes)\s+)?(?:that\s+)?{_QUOTE}{_I}(?:been\s+|being\s+|once\s+|ever\s+|an?\s+)?{_QUOTE}{_ACCUSED}\b",
    rf"\b(?:says?|said|states?|stated|claims?|claimed|wrote|written|records?|recorded)\s+(?:that\s+)?{_QUOTE}i\s+{_QUOTE}(?:have|had|'?ve)\s+(?:a\s+)?history\s+of\s+(?:violence|domestic\s+(?:abuse|violence)|alcohol\s+misuse|abuse|drug\s+(?:use|misuse)|neglect)\b",
    rf"\b(?:i'?m|i\s+am|i\s+was|i\s+have\s+been|i'?ve\s+been)\s+(?:described|called|labell?ed|recorded|painted|portrayed)\s+as\s+{_QUOTE}(?:an?\s+)?{_QUOTE}{_ACCUSED}\b",
    rf"\b(?:accus\w*\s+(?:me|us)|(?:i|we)\s+(?:was|were|am|are|have\s+been|'?ve\s+been|'?m|'?re)\s+(?:being\s+)?accused)\s+of\s+(?:being\s+)?{_QUOTE}{_ACCUSED_ING}\b",
    rf"\bi(?:\s+have|\s+had|'?ve|'?d)?\s+(?:never|not)\s+(?:once\s+|ever\s+)?(?:been\s+)?(?:laid\s+a\s+(?:finger|hand)\s+on\s+\w+|{_ACCUSED})\b",
    rf"\b{_INJURY}\b{_NO_DOUBT}{{0,120}}?\b{_ACCIDENT}\b{_DOUBT_AFTER}",
    rf"\b{_ACCIDENT}\b{_NO_DOUBT}{{0,80}}?\b{_INJURY}\b{_DOUBT_AFTER}",
]
