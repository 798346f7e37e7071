// Names for the synthetic register: surnames by their real shares, given names by generation,
// the crowding of the most common full names, transliterated minority names with a middle dot,
// and the variants other agencies write (homophones, traditional forms, other dots).
import Foundation

/// Makes names and name variants. Built once per run from the vendored tables.
public struct NameMaker: Sendable {
    let surnames: WeightedTable<String>
    let compound: [String]
    let crowded: WeightedTable<(name: String, female: Bool)>
    let youngMale: [String], youngFemale: [String]
    /// Toneless reading → characters of the homophone pool with that reading (sorted).
    let homophones: [String: [Character]]
    let reading: [Character: String]

    static let maleChars = Array("伟强军勇杰涛明超华平刚辉斌鹏波建国文林峰宇浩志海亮俊磊飞龙成东兵新春德光荣金祥福生才宏民庆云松立中永家佳豪轩博睿泽晨阳鑫凯健坤")
    static let femaleChars = Array("芳娜敏静丽艳娟霞燕玲英红梅兰琴云莉萍秀桂凤玉珍华慧婷雪琳洁颖倩欣怡涵萱悦佳妍雨诗思晶丹琼薇")
    static let oldMale = ["建国", "国华", "建华", "志强", "德明", "春生", "福生", "金生", "国庆", "建军", "卫国", "德胜", "长青", "光明", "永红"]
    static let oldFemale = ["秀英", "桂英", "秀兰", "桂兰", "玉兰", "凤英", "淑珍", "红英", "秀珍", "桂芳", "冬梅", "春兰", "金凤", "月娥", "翠花"]
    static let youngPrefix = Array("子梓浩宇一欣思雨诗语若俊博")
    /// Extra characters that give the homophone pool its depth (same readings as name characters).
    static let homophonePool = "晓小孝笑肖萧潇维薇卫玮炜巍威微为唯惟芬纷分敬靖晶菁京经景婧娴贤仙先琼华花化桦骅丽莉立力利历励荔俪娜纳那敏民闵珉明铭名鸣茗芳方坊舫红宏鸿虹洪弘泓军君钧均俊峻骏郡强蔷勇永咏泳杰洁婕捷颖英莹营盈滢影平萍苹凭坪屏辉晖徽慧惠蕙佳家嘉加珈霞夏侠燕艳彦雁颜妍研琳林霖麟玲铃灵凌龄翎婷亭庭霆廷梅玫媚枚眉兰岚澜蓝斌彬滨宾鹏朋彭波博柏伯涛韬滔峰锋丰枫风凤宇雨语玉羽禹浩昊豪皓睿瑞锐蕊轩宣萱璇暄涵寒韩函晗翰欣新心馨鑫昕芯怡宜仪依一伊逸亦奕艺思斯丝诗时士世石建剑健坚国果刚钢纲超潮朝春纯淳德得东冬栋飞菲非福富夫光广桂贵海亥亮良梁龙隆珑明鸣荣容蓉松嵩涛桃陶文雯闻祥翔湘志智之芝中忠钟"

    /// Uyghur / Kazakh given names and fathers' names as transliterated in registers.
    static let dotMaleGiven = ["阿不都", "艾买提", "买买提", "吐尔逊", "热合曼", "艾力", "阿力木", "努尔兰", "叶尔兰", "哈力木", "艾山", "卡德尔", "叶尔肯", "别克"]
    static let dotFemaleGiven = ["阿依古丽", "古丽", "帕提古丽", "迪丽努尔", "热依汗", "加依娜古丽", "阿依努尔", "古丽娜", "米娜", "再努尔"]
    static let dotFather = ["买买提", "艾买提", "吐尔逊", "热合曼", "阿不都热依木", "卡德尔", "马合木提", "艾山", "叶尔肯", "努尔别克", "托合提", "沙吾提"]
    /// The separators exports carry instead of U+00B7.
    public static let dotVariants: [Character] = ["•", "・", "‧", "⋅", "∙", "．", "."]

    /// Builds the weighted tables and the homophone index from the vendored tables.
    public init() {
        surnames = WeightedTable(Tables.surnames.map { ($0.surname, $0.share) })
        compound = Tables.compoundSurnames
        let full = Tables.commonNames.filter { $0.kind.hasPrefix("most-duplicated full name") }
        let femaleGiven: Set<String> = ["芳", "秀英", "娜", "敏", "静", "丽", "艳", "秀兰", "桂英", "玉兰", "霞", "燕", "娟"]
        crowded = WeightedTable(full.map { n in
            let given = String(n.name.dropFirst())
            return ((n.name, femaleGiven.contains(given)), Double(max(n.count, 1)))
        })
        youngMale = Tables.commonNames.filter { $0.kind.contains("male newborns") && !$0.kind.contains("female") }.map(\.name)
        youngFemale = Tables.commonNames.filter { $0.kind.contains("female newborns") }.map(\.name)
        var pool = Set(NameMaker.homophonePool)
        for c in NameMaker.maleChars { pool.insert(c) }
        for c in NameMaker.femaleChars { pool.insert(c) }
        var byReading: [String: [Character]] = [:]
        var reading: [Character: String] = [:]
        for c in pool {
            guard let sc = c.unicodeScalars.first, let r = Tables.pinyin[sc.value]?.first else { continue }
            let key = String(r.filter { !$0.isNumber })
            reading[c] = key
            byReading[key, default: []].append(c)
        }
        for k in byReading.keys { byReading[k]!.sort() }
        homophones = byReading
        self.reading = reading
    }

    /// A surname by the real shares; a compound surname about once in 400.
    public func surname(_ rng: inout SynthRandom) -> String {
        if rng.chance(0.0025) { return rng.pick(compound) }
        return surnames.pick(&rng)
    }

    /// A given name for a person born in `year`.
    public func given(female: Bool, year: Int, _ rng: inout SynthRandom) -> String {
        if year < 1965 && rng.chance(0.45) { return rng.pick(female ? NameMaker.oldFemale : NameMaker.oldMale) }
        if year >= 2008 && rng.chance(0.25) { return rng.pick(female ? youngFemale : youngMale) }
        let pool = female ? NameMaker.femaleChars : NameMaker.maleChars
        let single = year < 1990 ? 0.35 : 0.2
        if rng.chance(single) { return String(rng.pick(pool)) }
        let first: Character = year >= 2000 && rng.chance(0.3) ? rng.pick(NameMaker.youngPrefix) : rng.pick(pool)
        var second = rng.pick(pool)
        if second == first { second = rng.pick(pool) }
        return String(first) + String(second)
    }

    /// A full Han name; about 3 in 100 adults carry one of the most duplicated names (王伟, 张敏 …),
    /// about 1 in 1,000 persons a rare character (`RareCharacters`) as the last of the given name.
    public func hanName(female: Bool, year: Int, surname: String?, _ rng: inout SynthRandom) -> String {
        if surname == nil && year >= 1950 && year <= 1995 && rng.chance(0.03) {
            for _ in 0..<4 {
                let c = crowded.pick(&rng)
                if c.female == female { return c.name }
            }
        }
        let name = (surname ?? self.surname(&rng)) + given(female: female, year: year, &rng)
        return rng.chance(0.001) ? RareCharacters.withRare(name, &rng) : name
    }

    /// A transliterated Uyghur / Kazakh name: given name, U+00B7, father's name.
    /// The second part is the father's given name when he is known (`patronym`).
    public func dotName(female: Bool, patronym: String? = nil, _ rng: inout SynthRandom) -> String {
        rng.pick(female ? NameMaker.dotFemaleGiven : NameMaker.dotMaleGiven) + "·" + (patronym ?? rng.pick(NameMaker.dotFather))
    }

    /// The surname of a Han name (compound surnames recognised), or the given part of a
    /// transliterated one (what the children's names carry after the dot).
    public func familyPart(_ name: String) -> String {
        if let dot = name.firstIndex(of: "·") { return String(name[..<dot]) }
        return String(name.prefix(compound.contains(String(name.prefix(2))) ? 2 : 1))
    }

    /// The kinds of variant another agency's list (or a second registration) writes.
    public enum VariantKind: String, Sendable { case homophone, traditional, dot }

    /// A different spelling of the same name: a given-name character swapped for a homophone,
    /// the traditional form, or (for dotted names) another separator. Nil when none differs.
    public func variant(_ name: String, _ rng: inout SynthRandom) -> (String, VariantKind)? {
        if name.contains("·") {
            let d = rng.pick(NameMaker.dotVariants)
            return (String(name.map { $0 == "·" ? d : $0 }), .dot)
        }
        let order: [VariantKind] = rng.chance(0.7) ? [.homophone, .traditional] : [.traditional, .homophone]
        for k in order {
            if k == .homophone, let h = homophone(name, &rng) { return (h, .homophone) }
            if k == .traditional {
                let t = name.applyingTransform(StringTransform("Hans-Hant"), reverse: false) ?? name
                if t != name { return (t, .traditional) }
            }
        }
        return nil
    }

    /// The name with one given-name character replaced by another of the same toneless reading.
    public func homophone(_ name: String, _ rng: inout SynthRandom) -> String? {
        let chars = Array(name)
        guard chars.count >= 2 else { return nil }
        let start = chars.count >= 3 && compound.contains(String(chars[0..<2])) ? 2 : 1
        var positions = Array(start..<chars.count)
        if positions.count > 1 && rng.chance(0.5) { positions.reverse() }
        for p in positions {
            guard let r = reading[chars[p]], let alts = homophones[r]?.filter({ $0 != chars[p] }), !alts.isEmpty else { continue }
            var c = chars
            c[p] = rng.pick(alts)
            return String(c)
        }
        return nil
    }

    /// The toneless reading of a character of the pool (for tests).
    public func toneless(_ c: Character) -> String? { reading[c] }
}

/// Rare characters (生僻字) in names. Stations typed them into the GBK user-defined areas, so old
/// systems hold them as private-use code points; GB18030-2005 gave them standard code points, and
/// the vendored remap (gb18030_pua_remap.tsv) lists the pairs. Synth uses the ones that are
/// supplementary-plane ideographs with a reading in the pinyin table: 𠂇 𠃌 𡗗 𢦏 𤇾 (a name must be
/// readable; the BMP ones 龵 龻 are left out because no GB18030 form of their standard character
/// survives glibc's decoder: see `SynthCSV`).
///
/// How each file carries the two forms: a UTF-8 file (the XML export, the UTF-8 lists) holds the
/// code point itself, private-use (U+E816) or standard (U+20087); a GB18030 file holds the
/// user-defined bytes for the private-use form (FE51: U+E816 under GB18030-2005) and the
/// four-byte sequence for the standard one (95 32 90 31). `hukou ingest` decodes with glibc,
/// which reads both byte forms as the standard character; private-use code points that arrive
/// through UTF-8 are remapped by `hukou normalize`.
public enum RareCharacters {
    /// (standard, private-use) pairs, in private-use order.
    public static let pairs: [(standard: Character, pua: Character)] = {
        Tables.puaRemap.keys.sorted().compactMap { p -> (Character, Character)? in
            let s = Tables.puaRemap[p]!
            guard s >= 0x10000, Tables.pinyin[s] != nil, let su = Unicode.Scalar(s), let pu = Unicode.Scalar(p) else { return nil }
            return (Character(su), Character(pu))
        }
    }()
    static let toPUA: [Character: Character] = Dictionary(uniqueKeysWithValues: pairs.map { ($0.standard, $0.pua) })

    /// The name with its last character replaced by a rare one.
    public static func withRare(_ name: String, _ rng: inout SynthRandom) -> String {
        String(name.dropLast()) + String(rng.pick(pairs).standard)
    }

    /// Whether the name holds a rare character (in its standard form).
    public static func has(_ name: String) -> Bool { name.contains { toPUA[$0] != nil } }

    /// The name with its rare characters written as their private-use code points.
    public static func pua(_ name: String) -> String { String(name.map { toPUA[$0] ?? $0 }) }
}
