#!/usr/bin/env python3
"""Household-ordered raw person records for the normalize/validate benchmarks (NDJSON on stdout).

Used until `hukou synth` is available: N persons in households of 1-6 (head, spouse, children,
sometimes a parent), raw export forms (汉 / 汉族 / 01, 男 / 1, 1985/3/12, 户主 / 02), valid ID
numbers with a few percent of the problems validate reports. Deterministic for a given seed.
Usage: gen-persons.py N [SEED]
"""
import random, sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"
SUR = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIV = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力志宏斌春梅海燕金凤云鹏飞"
VIL = ["白石村", "花石村", "龙口村", "新民村", "石鼓村"]
ETH = ["汉", "汉族", "01"]


def main():
    n = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = sys.stdout
    written = 0
    hh = 0
    line = 1
    buf = []
    while written < n:
        hh += 1
        size = min(n - written, rnd.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]))
        hy = rnd.randint(1940, 1995)
        sur = rnd.choice(SUR)
        vil = rnd.choice(VIL)
        grp = rnd.randint(1, 12)
        for k in range(size):
            if k == 0:
                rel, y, male = rnd.choice(["户主", "02"]), hy, rnd.random() < 0.8
            elif k == 1:
                rel, y, male = "妻", hy + rnd.randint(-3, 5), False
            elif k == 5:
                rel, y, male = "母亲", hy - rnd.randint(20, 35), False
            else:
                male = rnd.random() < 0.5
                rel, y = ("子" if male else "女"), hy + rnd.randint(20, 35)
            y = min(y, 2025)
            m, d = rnd.randint(1, 12), rnd.randint(1, 28)
            seq = rnd.randrange(0, 999)
            if (seq % 2 == 1) != male:
                seq = seq + 1 if seq < 998 else seq - 1
            body = "430321%04d%02d%02d%03d" % (y, m, d, seq)
            idn = body + C[sum(int(body[i]) * W[i] for i in range(17)) % 11]
            r = rnd.random()
            if r < 0.01:
                idn = idn[:17] + ("1" if idn[17] != "1" else "2")
            elif r < 0.015:
                idn = idn[:6] + idn[8:17]
            elif r < 0.02 and 2026 - y >= 16:
                idn = ""
            bd = rnd.choice(["%04d-%02d-%02d" % (y, m, d), "%d/%d/%d" % (y, m, d), "%04d%02d%02d" % (y, m, d)])
            name = sur + "".join(rnd.choice(GIV) for _ in range(rnd.choice([1, 2, 2])))
            line += 1
            buf.append('{"kind":"person","src":"register.csv:%d","household":"430321%06d","name":"%s","sex":"%s",'
                       '"ethnicity":"%s","birth_date":"%s","id_number":"%s","relation":"%s","village":"%s","group":"第%d组",'
                       '"address":"湘潭县花石镇%s第%d组%d号","education":"%s","marital":"%s","station":"花石派出所"}\n'
                       % (line, hh, name, rnd.choice(["男", "1"]) if male else rnd.choice(["女", "2"]), rnd.choice(ETH), bd, idn, rel,
                          vil, grp, vil, grp, hh % 200, rnd.choice(["初中", "小学", "高中", "71"]), rnd.choice(["已婚", "20"]) if k < 2 else "未婚"))
            written += 1
        if len(buf) >= 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        pass
