// Masking of personal data for anything that reaches stderr or a masked report.

/// Masks an ID number for messages: the first 10 and last 2 characters stay
/// (`4303211985******12`); anything shorter than 12 shows only its length.
public func maskID(_ id: String) -> String {
    let c = Array(id)
    guard c.count >= 12 else { return String(repeating: "*", count: c.count) }
    return String(c[0..<10]) + String(repeating: "*", count: c.count - 12) + String(c[(c.count - 2)...])
}

/// Masks a name: the first character stays, the rest become `*` (王** for 王小明).
public func maskName(_ name: String) -> String {
    guard let f = name.first else { return "" }
    return String(f) + String(repeating: "*", count: max(0, name.count - 1))
}
