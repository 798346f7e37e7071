# A normalized register of N persons with death, enlistment, emigration and birth lists, for
# bench/60-township.sh when `hukou synth` is not available: python3 gen-crosscheck.py N DIR
import json, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
random.seed(11)
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]; C = "10X98765432"
def idn(d, seq, region="430321"):
    b = region + d.replace("-", "") + "%03d" % seq
    return b + C[sum(int(x) * w for x, w in zip(b, W)) % 11]
sur = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
giv = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌宇浩凯鹏飞鑫博晨雪梅琳丹林婷志海"
dump = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"))
reg = open(out + "/register.ndjson", "w")
people = []
seqs = {}
line = 1; hh = 0
while len(people) < n:
    hh += 1
    v = "村%02d" % (hh % 20); g = "第%d组" % (hh % 9 + 1)
    for k in range(random.choice([1, 2, 3, 3, 4, 4, 5])):
        line += 1
        y = random.randint(1930, 2023) if k else random.randint(1930, 2000)
        d = "%04d-%02d-%02d" % (y, random.randint(1, 12), random.randint(1, 28))
        sex = random.choice("12")
        key = d
        s = seqs.get(key, random.randint(0, 400)) + 1
        s += (s % 2) != (sex == "1")  # odd male, even female
        seqs[key] = s
        i = idn(d, s % 1000)
        name = random.choice(sur) + random.choice(giv) + (random.choice(giv) if random.random() < .6 else "")
        rel = "02" if k == 0 else random.choice(["10", "20", "30"])
        p = {"kind": "person", "src": "register.csv:%d" % line, "household": "4303210%05d" % hh, "name": name, "sex": sex,
             "ethnicity": "01", "birth_date": d, "id_number": i, "relation": rel, "village": v, "group": g,
             "address": "湘潭县花石镇%s%s" % (v, g), "education": "", "marital": "", "station": "花石派出所",
             "labels": {"sex": "男" if sex == "1" else "女", "ethnicity": "汉族", "relation": {"02": "户主", "10": "配偶", "20": "子", "30": "女"}[rel]}}
        reg.write(dump(p) + "\n")
        people.append((name, sex, d, i, p["household"]))
        if len(people) >= n: break
reg.close()
def lst(kind, rows):
    with open("%s/%ss.ndjson" % (out, kind), "w") as f:
        for k, r in enumerate(rows):
            o = {"kind": kind, "src": "%ss.csv:%d" % (kind, k + 2)}; o.update(r); f.write(dump(o) + "\n")
def noisy(p):
    name, sex, d, i, _ = p
    r = random.random()
    if r < .6: return name, i
    if r < .75: return name, i[:6] + i[8:17]
    if r < .9: return name, ""
    return name, i[:15] + str((int(i[15]) + 1) % 10) + i[16:]
deaths = []
for p in random.sample(people, n // 100):
    name, i = noisy(p)
    deaths.append({"name": name, "sex": "男" if p[1] == "1" else "女", "id_number": i, "death_date": "2024-05-01", "certificate": "", "cause": "", "address": "", "age": "", "birth_date": p[2]})
for k in range(n // 400):  # another station's dead
    deaths.append({"name": random.choice(sur) + random.choice(giv), "sex": "男", "id_number": idn("1950-01-01", k % 999, "430302"), "death_date": "2024-05-01", "certificate": "", "cause": "", "address": "", "age": ""})
lst("death", deaths)
lst("enlistment", [{"name": noisy(p)[0], "id_number": noisy(p)[1], "enlist_date": "2024-09-01", "place": "湘潭县", "sex": "", "birth_date": ""} for p in random.sample(people, n // 500)])
lst("emigration", [{"name": p[0], "id_number": p[3], "country": "加拿大", "settle_date": "2023-01-01", "sex": "", "birth_date": "", "passport": ""} for p in random.sample(people, n // 1000)])
births = []
for k, p in enumerate(random.sample([p for p in people if p[1] == "2" and "1985" < p[2] < "2000"], n // 100)):
    births.append({"name": p[0][0] + random.choice(giv), "sex": random.choice("男女"), "birth_date": "2024-%02d-%02d" % (k % 12 + 1, k % 28 + 1), "certificate": "R%07d" % k,
                   "mother_name": p[0], "mother_id": p[3], "father_name": "", "father_id": "", "in_policy": "否" if k % 20 == 0 else "是", "birthplace": "", "institution": ""})
lst("birth", births)
