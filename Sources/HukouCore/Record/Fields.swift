// The canonical field names of person and list records, with their Chinese header names.
//
// The synonym tables that map export headers onto these names live with ingest; this file is
// the single list of names every stage uses, documented in the README.

/// Canonical field names of a person record (kind `person`).
public enum PersonField {
    public static let household = "household"      // 户号
    public static let name = "name"                // 姓名
    public static let sex = "sex"                  // 性别
    public static let ethnicity = "ethnicity"      // 民族
    public static let birthDate = "birth_date"     // 出生日期
    public static let idNumber = "id_number"       // 公民身份号码
    public static let relation = "relation"        // 与户主关系
    public static let village = "village"          // 村(居)委会
    public static let group = "group"              // 村民小组
    public static let address = "address"          // 住址
    public static let education = "education"      // 文化程度
    public static let marital = "marital"          // 婚姻状况
    public static let station = "station"          // 派出所

    /// All person fields in output order, with the Chinese header an export usually carries.
    public static let all: [(field: String, chinese: String)] = [
        (household, "户号"), (name, "姓名"), (sex, "性别"), (ethnicity, "民族"),
        (birthDate, "出生日期"), (idNumber, "公民身份号码"), (relation, "与户主关系"),
        (village, "村(居)委会"), (group, "村民小组"), (address, "住址"),
        (education, "文化程度"), (marital, "婚姻状况"), (station, "派出所"),
    ]
}

/// Field names that several record kinds share or that stages add.
public enum CommonField {
    /// Columns of an export that map to no canonical field: an object header → value.
    public static let extra = "extra"
    /// Values as registered, kept by normalize wherever it changed a field: field → original.
    public static let registered = "registered"
    /// Derived comparison keys added by normalize (pinyin, folded name, surname, …).
    public static let keys = "keys"
}
