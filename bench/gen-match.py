#!/usr/bin/env python3
"""Generates a normalized county register with planted duplicates and truth, for the matcher's
tests and benchmarks (until/besides `hukou synth`): persons in households and villages, then
duplicates (same number in a second household; 15- and 18-digit forms; a second, different number
with a birth-date typo; one-digit ID typos; traditional and homophone name variants), numbers
shared by two different persons, and decoys (different persons with a common name and the same
birth date). Writes NDJSON records (no `keys`: the matcher derives them) and truth lines.

usage: gen-match.py PERSONS SEED OUT_RECORDS OUT_TRUTH [--keys]"""
import json, random, sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"
def check(b): return C[sum(int(d) * w for d, w in zip(b, W)) % 11]

SURN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯健俊帆晨欣怡佳雪梅琳婷慧颖博彬云峰海波春燕飞鑫宁林亮成德庆福荣瑞祥永"
TRAD = {"陈": "陳", "张": "張", "刘": "劉", "华": "華", "国": "國", "伟": "偉", "军": "軍", "丽": "麗", "红": "紅", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳", "郑": "鄭", "兰": "蘭", "云": "雲", "飞": "飛", "凯": "凱", "涛": "濤", "强": "強"}
HOMO = {"明": "鸣", "伟": "玮", "丽": "莉", "军": "君", "华": "桦", "芳": "方", "杰": "洁", "静": "晶", "敏": "民", "英": "瑛", "平": "萍", "红": "虹", "建": "健", "志": "智", "文": "雯", "宇": "雨", "林": "琳", "波": "博"}
VILL = ["白石村", "花石村", "青山村", "石门村", "龙口村", "新塘村", "杨柳村", "金盆村", "长岭村", "梅林村", "大田村", "荷塘村"]

def main():
    n, seed, out_path, truth_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rnd = random.Random(seed)
    region = "430321"
    people = []  # (name, sex, birth, id18, ethnicity)
    seqs = {}
    def new_id(birth, sex):
        while True:
            s = rnd.randrange(0, 1000)
            if (s % 2 == 1) != (sex == "1"): s = (s + 1) % 1000
            body = region + birth.replace("-", "") + "%03d" % s
            if body not in seqs: seqs[body] = 1; return body + check(body)
    def rand_birth(lo=1930, hi=2020):
        y = rnd.randrange(lo, hi); m = rnd.randrange(1, 13); d = rnd.randrange(1, 29)
        return "%04d-%02d-%02d" % (y, m, d)
    def rand_name():
        s = rnd.choice(SURN[:40]) if rnd.random() < .7 else rnd.choice(SURN)
        g = rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < .6 else "")
        return s + g
    lines = []
    hh = 0
    src_line = [1]
    def emit(name, sex, birth, idn, eth, rel, hid, vil):
        src_line[0] += 1
        src = "register.csv:%d" % src_line[0]
        lines.append({"kind": "person", "src": src, "household": hid, "name": name, "sex": sex, "ethnicity": eth,
                      "birth_date": birth, "id_number": idn, "relation": rel, "village": vil, "group": "第%d组" % rnd.randrange(1, 9),
                      "address": "", "education": "", "marital": "", "station": "花石派出所"})
        return src
    persons = []  # src, name, sex, birth, id, eth, village
    while len(persons) < n:
        hh += 1
        hid = "430321%06d" % hh
        vil = rnd.choice(VILL)
        size = rnd.choice([1, 2, 3, 3, 4, 4, 5])
        sur = rnd.choice(SURN[:40]) if rnd.random() < .7 else rnd.choice(SURN)
        for k in range(size):
            sex = rnd.choice("12")
            birth = rand_birth()
            name = sur + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < .6 else "") if k != 1 else rand_name()
            eth = "01" if rnd.random() < .95 else "03"
            idn = new_id(birth, sex)
            rel = "02" if k == 0 else rnd.choice(["10", "20", "30", "50"])
            src = emit(name, sex, birth, idn, eth, rel, hid, vil)
            persons.append((src, name, sex, birth, idn, eth, vil))
    truth = []
    n_dup = max(3, n // 100)
    chosen = rnd.sample(range(len(persons)), min(len(persons), n_dup * 2 + n // 200 + 10))
    ci = iter(chosen)
    kinds = ["same", "15", "newid", "typo", "trad", "homo"]
    for k in range(n_dup):
        src, name, sex, birth, idn, eth, vil = persons[next(ci)]
        kind = kinds[k % len(kinds)]
        hh += 1
        hid = "430321%06d" % hh
        # 一人多号 (a second number) is issued where the person lives: the same village, as in synth.
        vil2 = vil if kind == "newid" or rnd.random() < .5 else rnd.choice(VILL)
        name2, birth2, id2 = name, birth, idn
        if kind == "15":
            id2 = idn[:6] + idn[8:17] if birth < "2000" else idn
        elif kind == "newid":
            y, m, d = birth.split("-")
            birth2 = "%s-%s-%02d" % (y, m, (int(d) % 28) + 1) if rnd.random() < .5 else birth
            id2 = region + birth2.replace("-", "") + "%03d" % rnd.randrange(0, 1000)
            id2 = id2[:17] + check(id2[:17])
        elif kind == "typo":
            p = rnd.randrange(6, 17)
            id2 = idn[:p] + str((int(idn[p]) + rnd.randrange(1, 9)) % 10) + idn[p + 1:]
        elif kind == "trad":
            name2 = "".join(TRAD.get(c, c) for c in name)
            if name2 == name: name2 = name[0] + " " + name[1:]
        elif kind == "homo":
            name2 = name[0] + "".join(HOMO.get(c, c) for c in name[1:])
            if name2 == name: birth2 = birth[:5] + birth[8:10] + "-" + birth[5:7] if int(birth[8:10]) <= 12 else birth
        src2 = emit(name2, sex, birth2, id2, eth, "20", hid, vil2)
        truth.append({"kind": "truth", "src": "truth", "code": "DUPLICATE_REGISTRATION", "refs": sorted([src, src2], key=lambda s: int(s.split(":")[1])), "note": kind})
    for k in range(max(1, n // 500)):
        src, name, sex, birth, idn, eth, vil = persons[next(ci)]
        hh += 1
        other = rand_name()
        while other[0] == name[0]: other = rand_name()
        src2 = emit(other, rnd.choice("12"), rand_birth(), idn, "01", "02", "430321%06d" % hh, rnd.choice(VILL))
        truth.append({"kind": "truth", "src": "truth", "code": "ID_SHARED_BY_DIFFERENT_PERSONS", "refs": sorted([src, src2], key=lambda s: int(s.split(":")[1])), "note": "shared"})
    decoys = []
    for k in range(max(2, n // 400)):
        name = rnd.choice(["王伟", "李娜", "张伟", "王芳", "李强", "刘洋", "张敏", "王静"])
        birth = rand_birth(1960, 2000); sex = "1" if name[-1] in "伟强洋" else "2"
        a = []
        vd = None
        for j in range(2):
            hh += 1
            # Decoys live apart (as synth's do: another township), so never in one village.
            v = rnd.choice([x for x in VILL if not a or x != vd])
            vd = v
            a.append(emit(name, sex, birth, new_id(birth, sex), "01", "02", "430321%06d" % hh, v))
        decoys.append(a)
    with open(out_path, "w") as f:
        for r in lines: f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    with open(truth_path, "w") as f:
        for t in truth: f.write(json.dumps(t, ensure_ascii=False, separators=(",", ":")) + "\n")
        for d in decoys: f.write(json.dumps({"kind": "decoy", "refs": d}, ensure_ascii=False, separators=(",", ":")) + "\n")

main()
