// The printed text of a correction order (整改通知单), in Chinese, for the officer in charge.
import HukouIO

/// Renders an order's text from its draft: header, the facts with the evidence, what to do by
/// when, and the legal basis.
enum OrderText {
    static let actionTitles = ["cancel": "注销户口", "register": "出生登记", "correct": "变更更正", "change_id": "变更公民身份号码", "verify": "核实"]
    static let reasonTitles = ["death": "死亡注销", "enlistment": "入伍注销", "emigration": "出境定居注销", "duplicate": "重复户口注销"]

    /// `王伟（男，1950-03-12出生，公民身份号码…，户号…）`
    static func describe(_ v: [String: String]?, src: String) -> String {
        guard let v else { return "登记记录\(src)" }
        var parts: [String] = []
        if let s = v["sex"], !s.isEmpty { parts.append(s) }
        if let b = v["birth_date"], !b.isEmpty { parts.append("\(b)出生") }
        if let id = v["id_number"], !id.isEmpty { parts.append("公民身份号码\(id)") } else { parts.append("无公民身份号码") }
        if let h = v["household"], !h.isEmpty { parts.append("户号\(h)") }
        return (v["name"] ?? "") + "（" + parts.joined(separator: "，") + "）"
    }

    /// A list date as ISO when readable, else as written.
    static func day(_ s: String) -> String { ListValue.isoDate(s) ?? s }

    static func render(number: String, draft d: OrderDraft, findings: [Record], persons: PersonRows, due: String) -> String {
        let title = d.action == "cancel" ? (reasonTitles[d.reason] ?? "注销户口") : (actionTitles[d.action] ?? d.action)
        var lines: [String] = []
        lines.append("户口整顿整改通知单 \(number)（\(title)）")
        let loc = [d.location.station, d.location.village, d.location.group].filter { !$0.isEmpty }.joined(separator: " ")
        lines.append("单位：\(loc)\(d.location.household.isEmpty ? "" : " 户号\(d.location.household)")")
        func who(_ src: String) -> String { describe(persons[src], src: src) }
        let subjects = d.persons.filter { $0.role == "subject" || $0.role == "member" }.map { who($0.src) }
        let f0 = findings[0]
        let entry = f0["entry"]?.objectValue ?? JSONObject()
        switch (d.action, d.reason) {
        case ("cancel", "death"):
            let cert = entry.text("certificate")
            lines.append("事由：\(subjects.joined(separator: "、"))已于\(day(entry.text("death_date")))死亡（民政部门名单\(f0["refs"]?.arrayValue?.last?.stringValue ?? "")\(cert.isEmpty ? "" : "，证明编号\(cert)")），户口尚未注销。")
            lines.append("处理：请于\(due)前核实后办理死亡注销户口。")
        case ("cancel", "enlistment"):
            lines.append("事由：\(subjects.joined(separator: "、"))已于\(day(entry.text("enlist_date")))应征入伍（人武部名单\(f0["refs"]?.arrayValue?.last?.stringValue ?? "")），户口尚未注销。")
            lines.append("处理：请于\(due)前核实后办理入伍注销户口。")
        case ("cancel", "emigration"):
            let country = entry.text("country")
            lines.append("事由：\(subjects.joined(separator: "、"))已于\(day(entry.text("settle_date")))出境定居\(country.isEmpty ? "" : "（\(country)）")（出入境名单\(f0["refs"]?.arrayValue?.last?.stringValue ?? "")），户口尚未注销。")
            lines.append("处理：请于\(due)前核实后办理出境定居注销户口。")
        case ("cancel", _):
            lines.append("事由：同一人重复登记\(subjects.count)处：\(subjects.joined(separator: "；"))。")
            lines.append("处理：请于\(due)前核实其经常居住地，保留一处常住户口，注销其余重复户口。")
        case ("register", _):
            let parent = d.persons.first { $0.role == "mother" || $0.role == "father" }
            let role = parent?.role == "father" ? "父亲" : "母亲"
            let sex = ListValue.sexCode(entry.text("sex")) == "2" ? "女" : ListValue.sexCode(entry.text("sex")) == "1" ? "男" : ""
            var facts = "事由：婴儿\(entry.text("name"))\(sex.isEmpty ? "" : "（\(sex)）")于\(day(entry.text("birth_date")))出生"
            if !entry.text("certificate").isEmpty { facts += "（出生医学证明编号\(entry.text("certificate"))）" }
            // A parent the certificate leaves blank is not named (no empty "父亲，").
            for (role, name) in [("母亲", entry.text("mother_name")), ("父亲", entry.text("father_name"))] where !name.isEmpty { facts += "，\(role)\(name)" }
            facts += "，至今未申报出生登记。"
            lines.append(facts)
            if let p = parent { lines.append("落户：\(role)\(who(p.src))所在户。") }
            lines.append("处理：请于\(due)前通知申报人持出生医学证明办理出生登记。")
            if findings.contains(where: { $0.text("code") == "BIRTH_OUT_OF_POLICY" }) {
                lines.append("说明：该婴儿属计划外出生，不得因此拒绝登记；登记后列入计划外出生人口基本情况登记表。")
            }
        default:
            var msgs: [String] = []
            for f in findings {
                var m = f.text("message_zh")
                if m.isEmpty { m = f.text("code") }
                if let field = f.string("field"), !field.isEmpty { m += "（\(field)）" }
                if let e = f.string("expected"), !e.isEmpty { m += "，应为\(e)" }
                if !msgs.contains(m) { msgs.append(m) }
            }
            lines.append("对象：\(subjects.joined(separator: "；"))")
            lines.append("问题：\(msgs.joined(separator: "；"))。")
            let others = d.persons.filter { $0.role != "subject" && $0.role != "member" }
            if !others.isEmpty {
                let roleNames = ["candidate": "候选人", "head": "户主", "mother": "母亲", "father": "父亲"]
                lines.append("相关人员：" + others.map { (roleNames[$0.role] ?? $0.role) + who($0.src) }.joined(separator: "；") + "。")
            }
            if entry.count > 0 {
                let shown = entry.fields.filter { !$0.value.stringValue.isNilOrEmpty }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
                lines.append("名单记录：\(f0["refs"]?.arrayValue?.last?.stringValue ?? "")（\(shown.joined(separator: "，"))）")
            }
            switch d.action {
            case "correct": lines.append("处理：请于\(due)前核对户口簿、居民身份证后办理变更更正。")
            case "change_id": lines.append("处理：请于\(due)前核实后办理公民身份号码变更。")
            default: lines.append("处理：请于\(due)前入户核实，依核实结果办理；未经核实不得注销户口。")
            }
        }
        lines.append("依据：\(LegalBasis.text(action: d.action, reason: d.reason, codes: findings.map { $0.text("code") }))")
        return lines.joined(separator: "\n")
    }
}

extension Optional where Wrapped == String {
    var isNilOrEmpty: Bool { self?.isEmpty ?? true }
}
