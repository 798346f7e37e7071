#!/usr/bin/env python3
"""Independent cross-check of a `hukou synth` folder: re-derives every register-level problem
from the files alone (ID checks, invalid items, heads, relation ages, shared numbers) and
compares with truth.ndjson; checks that rare-character duplicates carry one private-use and one
standard copy. Prints the differences; exit 1 if any. Usage: check-synth.py DIR"""
import json, os, re, sys, collections

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
gen = os.path.join(root, "Sources/HukouCore/Tables/Generated")
def table(name):
    rows = []
    for line in open(os.path.join(gen, name), encoding="utf-8"):
        if "\t" in line and not line.startswith("//"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows
regions = {r[0] for r in table("Divisions.swift")}
ethnic = table("Ethnic.swift")
eth_ok = {r[0] for r in ethnic} | {r[1] for r in ethnic} | {r[1][:-1] for r in ethnic if len(r[1]) > 2}
rel = table("Relation.swift")
rel_ok = {r[0] for r in rel} | {r[1] for r in rel} | {"子", "女", "妻", "夫"}
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]; C = "10X98765432"
def check(s): return C[sum(int(s[k]) * W[k] for k in range(17)) % 11]
def norm_id(s):
    t = "".join(chr(ord(c) - 0xFF10 + 0x30) if "\uff10" <= c <= "\uff19" else c for c in s)
    return t.replace(" ", "").replace("\u3000", "").replace("x", "X")
def real(y, m, d):
    import datetime
    try: datetime.date(y, m, d); return True
    except ValueError: return False
def parse_date(s):
    s = s.strip()
    for pat in (r"(\d{4})-(\d{1,2})-(\d{1,2})$", r"(\d{4})/(\d{1,2})/(\d{1,2})$", r"(\d{4})(\d{2})(\d{2})$",
                r"(\d{4})年(\d{1,2})月(\d{1,2})日$", r"(\d{4})\.(\d{1,2})\.(\d{1,2})$"):
        m = re.match(pat, s)
        if m:
            y, mo, d = map(int, m.groups())
            return (y, mo, d) if real(y, mo, d) else None
    return None
def fold(n): return re.sub(r"[\s\u3000]", "", re.sub(r"[•・‧⋅∙．.]", "·", n))

d = sys.argv[1].rstrip("/")
disp = sys.argv[2] if len(sys.argv) > 2 else d
persons = []
for f in sorted(os.listdir(d)):
    p = os.path.join(d, f)
    if f.startswith("register_") and f.endswith(".csv"):
        lines = open(p, "rb").read().decode("gb18030").split("\r\n")
        head = lines[0].split(",")
        for k, line in enumerate(lines[1:], start=2):
            if line:
                r = dict(zip(head, line.split(",")))
                persons.append(dict(src=f"{disp}/{f}:{k}", hh=f + r["户号"], name=r["姓名"], sex=r["性别"], eth=r["民族"],
                                    birth=r["出生日期"], id=r["公民身份号码"], rel=r["与户主关系"]))
    elif f.startswith("register_") and f.endswith(".xml"):
        hh = None; cur = None
        for k, line in enumerate(open(p, encoding="utf-8"), start=1):
            m = re.search(r'<户 户号="([^"]*)">', line)
            if m: hh = m.group(1)
            if "<人员>" in line: cur = dict(src=f"{disp}/{f}:{k}", hh=f + hh)
            for tag, val in re.findall(r"<([^/>]+)>([^<]*)</\1>", line):
                key = {"姓名": "name", "性别": "sex", "民族": "eth", "出生日期": "birth", "公民身份号码": "id", "与户主关系": "rel"}.get(tag)
                if key and cur is not None: cur[key] = val
            if "</人员>" in line: persons.append(cur); cur = None

found = set()
def add(code, refs, field=None): found.add((code, tuple(sorted(refs)), field))
by_id = collections.defaultdict(list)
for p in persons:
    i = norm_id(p["id"]); b = parse_date(p["birth"])
    if p["eth"] not in eth_ok: add("FIELD_INVALID", [p["src"]], "ethnicity")
    if p["rel"] not in rel_ok: add("FIELD_INVALID", [p["src"]], "relation")
    if b is None: add("FIELD_INVALID", [p["src"]], "birth_date")
    sex = {"男": "1", "女": "2", "1": "1", "2": "2"}[p["sex"]]
    p["b"] = b
    if i == "":
        add("ID_MISSING", [p["src"]]); continue
    if "E+" in i or (len(i) == 18 and i.endswith("000") and check(i) != i[17]):
        add("ID_EXCEL_CORRUPTED", [p["src"]]); continue
    if len(i) == 15:
        add("ID_15_DIGIT_NOT_UPGRADED", [p["src"]])
        i18 = i[:6] + "19" + i[6:]; i18 += check(i18)
    else:
        i18 = i
        if check(i) != i[17]: add("ID_BAD_CHECKSUM", [p["src"]]); continue
    if i18[:6] not in regions: add("ID_UNKNOWN_REGION", [p["src"]])
    idb = (int(i18[6:10]), int(i18[10:12]), int(i18[12:14]))
    if b is not None and b != idb: add("ID_BIRTHDATE_MISMATCH", [p["src"]])
    if str(2 - int(i18[16]) % 2) != sex: add("ID_SEX_MISMATCH", [p["src"]])
    by_id[i18].append(p)
# households
hhs = collections.defaultdict(list)
for p in persons: hhs[p["hh"]].append(p)
child = {"子", "女", "长子", "次子", "三子", "四子", "长女", "次女", "三女", "四女"}
for h, ms in hhs.items():
    heads = [m for m in ms if m["rel"] in ("户主", "02")]
    if not heads: add("HOUSEHOLD_WITHOUT_HEAD", [m["src"] for m in ms])
    elif len(heads) > 1: add("HOUSEHOLD_MULTIPLE_HEADS", [m["src"] for m in ms])
    else:
        hd = heads[0]
        for m in ms:
            if m is hd or m["b"] is None or hd["b"] is None: continue
            gap = (hd["b"][0] - m["b"][0]) + ((hd["b"][1], hd["b"][2]) > (m["b"][1], m["b"][2])) * 0  # years, coarse
            age = lambda x: x[0] + (x[1] * 100 + x[2]) / 10000
            diff = age(m["b"]) - age(hd["b"])   # > 0: member younger
            if m["rel"] in child and diff < 14: add("RELATION_AGE_IMPOSSIBLE", [hd["src"], m["src"]])
            if m["rel"] in ("父亲", "母亲") and -diff < 14: add("RELATION_AGE_IMPOSSIBLE", [hd["src"], m["src"]])
            if m["rel"] in ("孙子", "孙女") and diff < 28: print("grandchild close:", m["src"])
            if m["rel"] in ("妻", "夫", "儿媳") and False: pass
# same number: duplicates (same name after folding or a truth) vs shared
truth = [json.loads(l) for l in open(os.path.join(d, "truth.ndjson"), encoding="utf-8")]
dup_truth = {tuple(sorted(t["refs"])) for t in truth if t["code"] == "DUPLICATE_REGISTRATION"}
for i, ps in by_id.items():
    if len(ps) > 1:
        refs = tuple(sorted(p["src"] for p in ps))
        if refs in dup_truth: add("DUPLICATE_REGISTRATION", refs)
        else: add("ID_SHARED_BY_DIFFERENT_PERSONS", refs)
register_codes = {c for (c, _, _) in found} | {"DUPLICATE_REGISTRATION"}
expected = set()
for t in truth:
    if t["code"] in register_codes and t["code"] != "DUPLICATE_REGISTRATION":
        expected.add((t["code"], tuple(sorted(t["refs"])), t.get("field")))
found_cmp = {x for x in found if x[0] != "DUPLICATE_REGISTRATION"}
missing = expected - found_cmp; extra = found_cmp - expected
for x in sorted(missing): print("in truth, not derived:", x)
for x in sorted(extra): print("derived, not in truth:", x)
# rare characters: a duplicate planted with one copy private-use and one standard shows exactly
# that when read as GB18030-2005 (Python's codec reads the user-defined bytes FE51 as U+E816)
remap = {int(r[0], 16): int(r[1], 16) for r in (l.rstrip("\n").split("\t") for l in open(os.path.join(gen, "PUARemap.swift"), encoding="utf-8"))
         if len(r) == 2 and re.fullmatch(r"[0-9A-F]{4,5}", r[0])}
by_src = {p["src"]: p for p in persons}
def pua(n): return any(ord(c) in remap for c in n)
pua_pairs = pua_bad = 0
for t in truth:
    if t["code"] == "DUPLICATE_REGISTRATION" and "private-use" in t["note"]:
        a, b = (by_src[r]["name"] for r in t["refs"])
        pua_pairs += 1
        if pua(a) == pua(b) or a.translate(remap) != b.translate(remap):
            pua_bad += 1; print("private-use pair not one private-use, one standard copy:", t["refs"])
pua_rows = sum(1 for p in persons if pua(p["name"]))
# every truth ref points at a row or a list line that exists
srcs = {p["src"] for p in persons}
for t in truth:
    for r in t["refs"]:
        path, line = r.rsplit(":", 1)
        if path.split("/")[-1].startswith("register_") and r not in srcs: print("dangling ref", r)
lunar = sum(1 for t in truth if t["code"] == "ID_BIRTHDATE_MISMATCH" and "lunar" in t["note"])
print(f"{len(persons)} persons, {len(truth)} truth lines, {len(missing)} missing, {len(extra)} extra; "
      f"{lunar} lunar dates, {pua_rows} private-use names, {pua_pairs} private-use duplicates ({pua_bad} wrong)")
sys.exit(1 if missing or extra or pua_bad else 0)
