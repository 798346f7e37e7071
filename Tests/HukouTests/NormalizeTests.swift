// Unit tests of normalization: every date format, every name rule, the name keys, the code
// mappings, ID text, and the record normalizer (registered values, labels, keys, idempotence).
import HukouCore
import HukouIO
import Testing

@Suite("normalize: dates")
struct DateTests {
    @Test(arguments: [
        ("1985-03-12", "1985-03-12"), ("1985/3/12", "1985-03-12"), ("1985/03/12", "1985-03-12"),
        ("19850312", "1985-03-12"), ("1985.3.12", "1985-03-12"), ("1985年3月12日", "1985-03-12"),
        ("1985年03月12日", "1985-03-12"), ("1985-3-12", "1985-03-12"), ("１９８５年３月１２日", "1985-03-12"),
        ("一九八五年三月十二日", "1985-03-12"), ("二〇〇〇年二月二十九日", "2000-02-29"), ("一九四九年十月一日", "1949-10-01"),
        ("一九八五年十一月三十日", "1985-11-30"), ("31118", "1985-03-12"), ("36585", "2000-02-29"), ("31118.0", "1985-03-12"),
        ("1985-03-12 00:00:00", "1985-03-12"), ("1880-01-01", "1880-01-01"), ("2000-02-29", "2000-02-29"),
        ("1985年3月12", "1985-03-12"),
    ])
    func parses(_ c: (String, String)) {
        #expect(parseDate(c.0)?.iso == c.1, "\(c.0)")
    }

    @Test(arguments: ["", "不详", "1985-02-30", "1900-02-29", "1999年2月29日", "一九九九年二月二十九日", "85-3-12", "1985",
                      "198503", "1985-13-01", "1985/3", "12/03/1985", "1985-03-12x", "abc", "1985年3月12日下午", "0", "123456789"])
    func rejects(_ s: String) {
        #expect(parseDate(s) == nil, "\(s)")
    }

    @Test func excelSerialBoundaries() {
        #expect(excelSerialDate(61)?.iso == "1900-03-01")
        #expect(excelSerialDate(60) == nil)  // Excel's phantom 1900-02-29
        #expect(excelSerialDate(73415)?.iso == "2100-12-31" || excelSerialDate(73415)?.year == 2100)
    }

    @Test func ages() {
        let b = CivilDate(2000, 2, 29)
        #expect(b.years(until: CivilDate(2016, 2, 28)) == 15)
        #expect(b.years(until: CivilDate(2016, 2, 29)) == 16)
        #expect(b.years(until: CivilDate(2017, 3, 1)) == 17)
        #expect(CivilDate(daysSinceEpoch: CivilDate(1899, 12, 30).daysSinceEpoch).iso == "1899-12-30")
    }
}

@Suite("normalize: names")
struct NameTests {
    @Test(arguments: ["阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽‧买买提", "阿依古丽⋅买买提", "阿依古丽∙买买提",
                      "阿依古丽．买买提", "阿依古丽.买买提", "阿依古丽·买买提", "阿依古丽 · 买买提", "阿依古丽 ・ 买买提"])
    func dotVariants(_ s: String) {
        #expect(normalizeName(s) == "阿依古丽·买买提")
    }

    @Test func dotsOnlyBetweenParts() {
        #expect(normalizeName("王伟.") == "王伟.")
        #expect(normalizeName("John.Smith") == "John·Smith")
    }

    @Test func spaces() {
        #expect(normalizeName("\u{3000}王伟\u{3000}") == "王伟")
        #expect(normalizeName(" 王 伟 ") == "王伟")
        #expect(normalizeName("李\u{3000}\u{3000}芳") == "李芳")
        #expect(normalizeName("  John   SMITH ") == "John SMITH")
        #expect(normalizeName("王伟") == "王伟")
    }

    @Test func privateUseRemap() {
        #expect(normalizeName("王\u{E816}") == "王\u{20087}")
    }

    @Test func noNFKC() {
        // U+F900 (a CJK compatibility ideograph) must stay as it is; NFKC would change it.
        #expect(normalizeName("王\u{F900}") == "王\u{F900}")
        #expect(normalizeName("王１") == "王１")
    }

    @Test func keys() {
        let k = NameKeys(name: "王伟")
        #expect(k == NameKeys(fold: "王伟", pinyin: "wangwei", surname: "王", given: "伟"))
        let o = NameKeys(name: "欧阳娜娜")
        #expect(o.surname == "欧阳" && o.given == "娜娜" && o.pinyin == "ouyangnana")
        #expect(NameKeys(name: "司马光").surname == "司马")
        #expect(NameKeys(name: "曾国藩").pinyin.hasPrefix("zeng"))
        #expect(NameKeys(name: "单田芳").pinyin == "shantianfang")
        #expect(NameKeys(name: "吕布").pinyin == "lvbu")
        let t = NameKeys(name: "陳大文")
        #expect(t.fold == "陈大文" && t.surname == "陈" && t.pinyin == "chendawen")
        let m = NameKeys(name: "阿依古丽·买买提")
        #expect(m.surname == "" && m.given == "阿依古丽·买买提" && m.fold == "阿依古丽·买买提")
        #expect(NameKeys(name: "John SMITH").fold == "johnsmith")
        #expect(NameKeys(name: "").fold == "")
    }
}

@Suite("normalize: codes and ID text")
struct CodeTests {
    @Test(arguments: [
        (CodedField.sex, "男", "1", "男"), (.sex, "1", "1", "男"), (.sex, "M", "1", "男"), (.sex, "男性", "1", "男"),
        (.sex, "女", "2", "女"), (.sex, "f", "2", "女"), (.sex, "9", "9", "未说明的性别"),
        (.ethnicity, "汉", "01", "汉族"), (.ethnicity, "汉族", "01", "汉族"), (.ethnicity, "01", "01", "汉族"),
        (.ethnicity, "1", "01", "汉族"), (.ethnicity, "Han", "01", "汉族"), (.ethnicity, "HA", "01", "汉族"),
        (.ethnicity, "锡伯族", "38", "锡伯族"), (.ethnicity, "锡伯", "38", "锡伯族"), (.ethnicity, "维吾尔", "05", "维吾尔族"),
        (.relation, "户主", "02", "户主"), (.relation, "02", "02", "户主"), (.relation, "本人", "01", "本人"),
        (.relation, "妻", "12", "妻"), (.relation, "妻子", "12", "妻"), (.relation, "子", "20", "子"), (.relation, "儿子", "20", "子"),
        (.relation, "女", "30", "女"), (.relation, "孙子", "41", "孙子"), (.relation, "母亲", "52", "母亲"),
        (.marital, "已婚", "20", "已婚"), (.marital, "20", "20", "已婚"), (.marital, "未婚", "10", "未婚"), (.marital, "丧偶", "30", "丧偶"),
        (.education, "初中", "70", "初级中学教育"), (.education, "初中毕业", "71", "初中毕业"), (.education, "71", "71", "初中毕业"),
        (.education, "大学本科毕业", "21", "大学本科毕业"), (.education, "小学", "80", "小学教育"),
    ])
    func lookups(_ c: (CodedField, String, String, String)) {
        let e = c.0.lookup(c.1)
        #expect(e?.code == c.2 && e?.name == c.3, "\(c.0) \(c.1) → \(String(describing: e))")
    }

    @Test(arguments: [(CodedField.sex, "X"), (.ethnicity, "火星族"), (.relation, "邻居"), (.marital, "X"), (.education, "学龄前"), (.sex, "")])
    func unknown(_ c: (CodedField, String)) {
        #expect(c.0.lookup(c.1) == nil)
    }

    @Test func idText() {
        #expect(normalizeIDText("11010519491231002x") == "11010519491231002X")
        #expect(normalizeIDText("４４０５２４１８８００１０１００１４") == "440524188001010014")
        #expect(normalizeIDText(" 4405 2418 8001 0100 14 ") == "440524188001010014")
        #expect(normalizeIDText("\u{3000}440524188001010014") == "440524188001010014")
        // Nothing else is changed: a wrong number stays wrong.
        #expect(normalizeIDText("440524188001010015") == "440524188001010015")
        #expect(normalizeIDText("4.30321E+17") == "4.30321E+17")
    }

    @Test func id18Forms() {
        #expect(id18("11010519491231002X") == "11010519491231002X")
        #expect(id18("11010519491231002x") == "11010519491231002X")
        #expect(id18("610104620927690") == "610104196209276908")
        #expect(id18("330102200403064") == "33010219200403064X")
        #expect(id18("440524188001010015") == nil)
        #expect(id18("") == nil)
    }
}

@Suite("normalize: records")
struct RecordNormalizeTests {
    func person(_ extra: [(String, JSONValue)] = []) -> Record {
        var r = Record.make(kind: "person", src: "r.csv:2")
        for (k, v) in [("household", "430321000001"), ("name", "王　伟 "), ("sex", "男"), ("ethnicity", "汉"), ("birth_date", "1985/3/12"),
                       ("id_number", "43032119850312123x"), ("relation", "户主"), ("village", "白石村"), ("education", "初中"), ("marital", "已婚")] {
            r.append(k, .string(v))
        }
        for (k, v) in extra { r[k] = v }
        return r
    }

    @Test func normalizesAndKeepsRegistered() {
        let n = RecordNormalizer().normalize(person())
        #expect(n.string("name") == "王伟")
        #expect(n.string("sex") == "1")
        #expect(n.string("ethnicity") == "01")
        #expect(n.string("birth_date") == "1985-03-12")
        #expect(n.string("id_number") == "43032119850312123X")
        #expect(n.string("relation") == "02")
        let reg = n["registered"]?.objectValue
        #expect(reg?.keys == ["name", "sex", "ethnicity", "birth_date", "id_number", "relation", "education", "marital"])
        #expect(reg?.string("name") == "王　伟 " && reg?.string("id_number") == "43032119850312123x")
        #expect(n["labels"]?.objectValue?.keys == ["sex", "ethnicity", "relation", "marital", "education"])
        #expect(n["keys"]?.objectValue?.keys == ["name_fold", "pinyin", "surname", "given", "id18"])
        #expect(n.keys.prefix(2) == ["kind", "src"])
        #expect(Array(n.keys.suffix(3)) == ["registered", "labels", "keys"])
    }

    @Test func idempotent() {
        let norm = RecordNormalizer()
        let once = norm.normalize(person())
        #expect(norm.normalize(once) == once)
    }

    @Test func nonDatesStay() {
        let n = RecordNormalizer().normalize(person([("birth_date", .string("不详"))]))
        #expect(n.string("birth_date") == "不详")
        #expect(n["registered"]?.objectValue?["birth_date"] == nil)
    }

    @Test func listRecords() {
        var r = Record.make(kind: "birth", src: "births.csv:3")
        r.append("name", .string("王小宝"))
        r.append("birth_date", .string("2024年1月5日"))
        r.append("mother_name", .string("李\u{3000}芳"))
        r.append("mother_id", .string("４３０３２１１９８６０７０１１２４６"))
        let n = RecordNormalizer().normalize(r)
        #expect(n.string("birth_date") == "2024-01-05")
        #expect(n.string("mother_name") == "李芳")
        #expect(n.string("mother_id") == "430321198607011246")
        #expect(n["registered"]?.objectValue?.keys == ["birth_date", "mother_name", "mother_id"])
        #expect(RecordNormalizer.handles("death") && !RecordNormalizer.handles("finding"))
    }
}
