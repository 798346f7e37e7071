# Makes the hand-made cross-check test data (python3 make-testdata.py, in this directory): a
# normalized register with one person per rule, the four lists, and other stages' findings.
import json
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; C="10X98765432"
def idn(date, seq, region="430321"):
    body=region+date.replace("-","")+"%03d"%seq
    return body+C[sum(int(d)*w for d,w in zip(body,W))%11]
def to15(i): return i[:6]+i[8:17]
L=[]
def person(line, hh, name, sex, birth, idv, rel, village="白石村", group="第3组", **kw):
    r={"kind":"person","src":"register.csv:%d"%line,"household":hh,"name":name,"sex":sex,"ethnicity":"01","birth_date":birth,"id_number":idv,"relation":rel,"village":village,"group":group,"address":"湘潭县花石镇%s%s"%(village,group),"education":"","marital":"","station":"花石派出所"}
    r.update(kw)
    rel={"02":"户主","10":"配偶","20":"子"}[r["relation"]]
    if name=="王伟": r["registered"]={"birth_date":"1950/3/12","sex":"男"}
    r["labels"]={"sex":{"1":"男","2":"女"}[sex],"ethnicity":"汉族","relation":rel}
    L.append(r)
ids={}
def P(line,hh,name,sex,birth,seq,rel,**kw):
    i=idn(birth,seq) if seq is not None else ""
    ids[name+str(line)]=i
    person(line,hh,name,sex,birth,i,rel,**kw); return i
wangwei=P(2,"430321000101","王伟","1","1950-03-12",131,"02")
zhang=P(3,"430321000101","张秀英","2","1952-07-01",142,"10")
P(4,"430321000101","王小宝","1","2024-01-10",151,"20")
liming=P(5,"430321000102","李明","1","1940-01-05",111,"02")
lf1=P(6,"430321000102","刘芳","2","1945-02-02",122,"10")
chen=P(7,"430321000103","陈建国","1","1970-10-10",171,"02")
lf2=P(8,"430321000103","刘芳","2","1945-02-02",184,"10")
zhao=P(9,"430321000103","赵强","1","1980-05-05",191,"20")
sun=P(10,"430321000104","孙浩","1","2015-06-01",213,"20",group="第10组")
zhou=P(11,"430321000104","周杰","1","2004-03-03",231,"02",group="第10组")
wu=P(12,"430321000104","吴磊","1","2005-08-08",251,"20",group="第10组")
zheng=P(13,"430321000105","郑小明","1","1990-09-09",271,"02",village="石桥村",group="第1组")
huangwife=P(14,"430321000105","黄丽","2","1992-12-12",282,"10",village="石桥村",group="第1组")
wangfang=P(15,"430321000106","王芳","2","1960-04-04",302,"02",village="石桥村",group="第2组")
ma=P(16,"430321000106","马超","1","1988-01-20",311,"20",village="石桥村",group="第2组")
dad=P(17,"430321000107","何军","1","1985-06-06",331,"02",village="石桥村",group="第2组")
# an adult without ID, birth-date match only by name (not relevant to lists)
P(18,"430321000107","何婷","2","1987-07-07",None,"10",village="石桥村",group="第2组")
# Problems other stages find (validate, match), for the orders tests: a duplicate registration,
# a number shared by two people, a bad check character, an invalid item, a household without head.
dup=P(19,"430321000108","罗大成","1","1966-02-14",351,"20",village="石桥村",group="第2组")
person(20,"430321000109","罗大成","1","1966-02-14",to15(dup),"20",village="石桥村",group="第3组")
shared=P(21,"430321000109","钱梅","2","1975-11-30",362,"20",village="石桥村",group="第3组")
person(22,"430321000109","钱梅花","2","1977-01-01",shared,"10",village="石桥村",group="第3组")
bad=P(23,"430321000101","王二","1","1978-08-08",381,"20")
bad=bad[:17]+("1" if bad[17]!="1" else "2"); L[-1]["id_number"]=bad
# A registered child whose birth date was mistyped in the register: the certificate still
# matches, because the name agrees and the child lives in the mother's household; a younger
# brother given the same name two years later is still a birth to register.
P(24,"430321000105","郑小宝","1","2023-03-04",291,"20",village="石桥村",group="第1组")
# A registered child whose certificate carries a milk name (乐乐): same date and sex, in the
# father's household: nothing to do.
P(25,"430321000107","何小乐","1","2023-08-08",333,"20",village="石桥村",group="第2组")
with open("register.ndjson","w") as f:
    for r in L: f.write(json.dumps(r,ensure_ascii=False,separators=(",",":"))+"\n")

def lst(path, kind, rows):
    with open(path,"w") as f:
        for k,r in enumerate(rows):
            o={"kind":kind,"src":"%s:%d"%(path.replace(".ndjson",".csv"),k+2)}; o.update(r)
            f.write(json.dumps(o,ensure_ascii=False,separators=(",",":"))+"\n")
def typo(i):
    # change one digit in the sequence, keep the old check: check fails
    d=int(i[15]); return i[:15]+str((d+1)%10)+i[16:]
def finding(code, refs, stage, msg, **kw):
    o={"kind":"finding","src":refs[0],"code":code,"severity":kw.pop("severity","error"),"refs":refs}
    o.update(kw); o["stage"]=stage; o["message_zh"]=msg; o["message_en"]=code.lower().replace("_"," ")
    return o
F=[
 finding("ID_BAD_CHECKSUM",["register.csv:23"],"validate","公民身份号码校验码错误",field="id_number",value=bad,expected=bad[:17]+"X"),
 finding("FIELD_INVALID",["register.csv:23"],"validate","民族代码无效",field="ethnicity",value="99"),
 finding("HOUSEHOLD_WITHOUT_HEAD",["register.csv:20","register.csv:21","register.csv:22"],"validate","户内无户主"),
 finding("ID_15_DIGIT_NOT_UPGRADED",["register.csv:20"],"validate","15位公民身份号码未升位",field="id_number",severity="warning"),
 finding("DUPLICATE_REGISTRATION",["register.csv:19","register.csv:20"],"match","重户重口：同一人登记于两户",action="cancel",weight=21.5),
 finding("ID_SHARED_BY_DIFFERENT_PERSONS",["register.csv:21","register.csv:22"],"match","一号多人：同一号码登记两人",action="change_id",weight=-6.0),
]
with open("findings.ndjson","w") as f:
    for r in F: f.write(json.dumps(r,ensure_ascii=False,separators=(",",":"))+"\n")

# Deaths: same ID; 15-digit twin in traditional characters; no ID with name, birth, sex; two
# candidates; the ID held by another name; death before birth; two namesakes with other valid
# numbers (one born the same day); another county's person; a valid number that is not the bad
# one registered for a namesake born the same day (王二); no ID with age and address agreeing;
# age against; address against.
lst("deaths.ndjson","death",[
 {"name":"王伟","sex":"男","id_number":wangwei,"death_date":"2024-03-01","certificate":"HZ2024-001","cause":"","address":"","age":"74"},
 {"name":"張秀英","sex":"女","id_number":to15(zhang),"death_date":"2024-04-02","certificate":"HZ2024-002","cause":"","address":"","age":""},
 {"name":"李明","sex":"男","id_number":"","death_date":"2024/5/3","certificate":"HZ2024-003","cause":"","address":"","age":"","birth_date":"1940-01-05"},
 {"name":"刘芳","sex":"女","id_number":"","death_date":"2024-06-04","certificate":"HZ2024-004","cause":"","address":"","age":"","birth_date":"1945年2月2日"},
 {"name":"陈建华","sex":"男","id_number":chen,"death_date":"2024-07-05","certificate":"HZ2024-005","cause":"","address":"","age":""},
 {"name":"赵强","sex":"男","id_number":zhao,"death_date":"1979-01-01","certificate":"HZ2024-006","cause":"","address":"","age":""},
 {"name":"王芳","sex":"女","id_number":idn("1960-06-06",304),"death_date":"2024-08-06","certificate":"HZ2024-007","cause":"","address":"","age":""},
 {"name":"王芳","sex":"女","id_number":idn("1960-04-04",308),"death_date":"2024-08-07","certificate":"HZ2024-008","cause":"","address":"","age":""},
 {"name":"欧阳修","sex":"男","id_number":idn("1930-01-01",111,"430302"),"death_date":"2024-09-01","certificate":"HZ2024-009","cause":"","address":"","age":""},
 {"name":"王二","sex":"男","id_number":idn("1978-08-08",357),"death_date":"2024-10-04","certificate":"HZ2024-013","cause":"","address":"","age":""},
 {"name":"何军","sex":"男","id_number":"","death_date":"2024-10-01","certificate":"HZ2024-010","cause":"","address":"湘潭县花石镇石桥村第2组","age":"39"},
 {"name":"王芳","sex":"女","id_number":"","death_date":"2024-10-02","certificate":"HZ2024-011","cause":"","address":"湘潭县","age":"70"},
 {"name":"马超","sex":"男","id_number":"","death_date":"2024-10-03","certificate":"HZ2024-012","cause":"","address":"株洲市荷塘区某街道","age":"36"},
])
lst("enlistments.ndjson","enlistment",[
 {"name":"孙浩","id_number":sun,"enlist_date":"2024-09-01","place":"湘潭县","sex":"","birth_date":""},
 {"name":"周杰","id_number":zhou,"enlist_date":"2023-09-10","place":"湘潭县","sex":"男","birth_date":""},
 {"name":"吴磊","id_number":typo(wu),"enlist_date":"2024-09-12","place":"湘潭县","sex":"男","birth_date":""},
 {"name":"马超","id_number":"","enlist_date":"2024-09-15","place":"湘潭县","sex":"","birth_date":""},
])
lst("emigrations.ndjson","emigration",[
 {"name":"郑晓明","id_number":zheng,"country":"加拿大","settle_date":"2023-11-20","sex":"","birth_date":"","passport":"E12345678"},
])
# Births: a registered baby (R430001); an unregistered one in the mother's household, one in the
# father's (out of policy); a same-name brother two years later; a baby named and born like
# another family's registered child, whose mother is registered here (R430007: still to
# register); a mother's number held by a woman of another name (R430008: no household here).
lst("births.ndjson","birth",[
 {"name":"王小宝","sex":"男","birth_date":"2024-01-10","certificate":"R430001","mother_name":"张秀英","mother_id":zhang,"father_name":"王伟","father_id":wangwei,"in_policy":"是","birthplace":"","institution":"湘潭县妇幼保健院"},
 {"name":"郑一诺","sex":"女","birth_date":"2024-05-05","certificate":"R430002","mother_name":"黄丽","mother_id":huangwife,"father_name":"郑小明","father_id":zheng,"in_policy":"是","birthplace":"","institution":"湘潭县妇幼保健院"},
 {"name":"何乐","sex":"男","birth_date":"2024-06-06","certificate":"R430003","mother_name":"何婷","mother_id":"","father_name":"何军","father_id":dad,"in_policy":"政策外","birthplace":"","institution":"湘潭县妇幼保健院"},
 {"name":"郑小宝","sex":"男","birth_date":"2023年3月5日","certificate":"Q430005","mother_name":"黄丽","mother_id":huangwife,"father_name":"郑小明","father_id":zheng,"in_policy":"是","birthplace":"","institution":""},
 {"name":"郑小宝","sex":"男","birth_date":"2025-02-02","certificate":"R430006","mother_name":"黄丽","mother_id":huangwife,"father_name":"郑小明","father_id":zheng,"in_policy":"是","birthplace":"","institution":""},
 {"name":"王小宝","sex":"男","birth_date":"2024-01-10","certificate":"R430007","mother_name":"黄丽","mother_id":huangwife,"father_name":"","father_id":"","in_policy":"是","birthplace":"","institution":""},
 {"name":"赵小花","sex":"女","birth_date":"2024-03-03","certificate":"R430008","mother_name":"赵某","mother_id":wangfang,"father_name":"","father_id":"","in_policy":"是","birthplace":"","institution":""},
 {"name":"乐乐","sex":"男","birth_date":"2023-08-08","certificate":"Q430009","mother_name":"","mother_id":"","father_name":"何军","father_id":dad,"in_policy":"是","birthplace":"","institution":""},
 {"name":"路人甲","sex":"男","birth_date":"2024-07-07","certificate":"R430004","mother_name":"某某","mother_id":idn("1995-01-01",402,"430302"),"father_name":"","father_id":"","in_policy":"是","birthplace":"","institution":""},
])

# The same register as exported before normalize: labels as values, slashed dates, lower-case x
# and spaces in numbers (crosscheck must give the same findings for it).
out=[]
for l in open("register.ndjson"):
    r=json.loads(l)
    lab=r.pop("labels"); r.pop("registered",None)
    r["sex"]=lab["sex"]; r["ethnicity"]=lab["ethnicity"]; r["relation"]=lab["relation"]
    y,m,d=r["birth_date"].split("-"); r["birth_date"]="%s/%d/%d"%(y,int(m),int(d))
    i=r["id_number"]
    if i.endswith("X"): i=i[:-1]+"x"
    if len(i)==18: i=i[:6]+" "+i[6:14]+" "+i[14:]
    r["id_number"]=i
    out.append(json.dumps(r,ensure_ascii=False,separators=(",",":")))
open("register-raw.ndjson","w").write("\n".join(out)+"\n")
