import json, random
rnd = random.Random(11)
FIRST = "james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin amanda brian melissa george deborah".split()
LAST = "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster".split()
POST = ["AB1 %dCD" % i for i in range(40)]
people, truth, line = [], [], 1
def typo(s):
    i = rnd.randrange(1, len(s)); return s[:i] + rnd.choice("aeiounrst") + s[i + 1:]
for i in range(600):
    line += 1
    y, m, d = rnd.randrange(1930, 2010), rnd.randrange(1, 13), rnd.randrange(1, 29)
    p = {"kind": "person", "src": "people.csv:%d" % line, "first_name": rnd.choice(FIRST), "last_name": rnd.choice(LAST),
         "dob": "%04d-%02d-%02d" % (y, m, d), "postcode": rnd.choice(POST)}
    people.append(p)
dups = []
for k, p in enumerate(rnd.sample(people, 24)):
    line += 1
    q = dict(p); q["src"] = "people.csv:%d" % line
    if k % 4 == 0: q["last_name"] = typo(p["last_name"])
    elif k % 4 == 1: q["first_name"] = p["first_name"].upper()
    elif k % 4 == 2:
        y, m, d = p["dob"].split("-")
        if int(d) <= 12 and d != m: q["dob"] = "%s-%s-%s" % (y, d, m)
        else: q["dob"] = "%s-%s-%02d" % (y, m, (int(d) + 1) % 28 + 1 if int(d) < 20 else int(d) - 10)
    else: q["postcode"] = rnd.choice(POST)
    dups.append(q)
    truth.append({"kind": "truth", "src": "truth", "code": "DUPLICATE_REGISTRATION", "refs": [p["src"], q["src"]]})
with open("/work/wt/match/testdata/match/people-en.ndjson", "w") as f:
    for r in people + dups: f.write(json.dumps(r, separators=(",", ":")) + "\n")
with open("/work/wt/match/testdata/match/people-en.truth.ndjson", "w") as f:
    for t in truth: f.write(json.dumps(t, separators=(",", ":")) + "\n")
