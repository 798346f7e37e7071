// Lunar birthdays for the synthetic register: some older people's birth dates were recorded in
// the Chinese calendar, and exports carry that lunar date in numeric form as if it were a solar
// one. Solar → lunar with Foundation's Chinese calendar (ICU), the same computation the matcher's
// `lunar` birth-date level uses, so what synth plants is what a correct matcher can find.
import Foundation

/// A lunar month and day as a register writes them: the year is the solar year in which that
/// lunar year began (the 11th or 12th lunar month in January or February belongs to the year
/// before), a leap month is written with its month's number (闰四月 → 4: numeric exports have no
/// mark for it).
struct LunarDate: Sendable {
    let year: Int
    let month: Int
    let day: Int
    let leap: Bool

    private static let calendars: (Calendar, Calendar) = {
        var g = Calendar(identifier: .gregorian)
        g.timeZone = TimeZone(identifier: "UTC")!
        var c = Calendar(identifier: .chinese)
        c.timeZone = g.timeZone
        return (g, c)
    }()

    /// The lunar date of `d`; nil outside 1901–2099 (where the calendar's tables hold).
    init?(_ d: SynthDate) {
        let p = d.parts
        guard p.year >= 1901 && p.year <= 2099 else { return nil }
        let (_, chinese) = LunarDate.calendars
        // Noon UTC: the day cannot slip to a neighbour whatever the calendar's own offsets.
        let date = Date(timeIntervalSince1970: Double(d.days) * 86_400 + 43_200)
        let c = chinese.dateComponents([.month, .day, .isLeapMonth], from: date)
        guard let m = c.month, let day = c.day else { return nil }
        year = m > p.month ? p.year - 1 : p.year
        month = m
        self.day = day
        leap = c.isLeapMonth ?? false
    }

    /// The lunar date read as a solar date, as an export carries it; nil when that is no real
    /// date (the 29th or 30th of the 2nd lunar month: such a row would be FIELD_INVALID).
    var asWritten: SynthDate? {
        isRealDate(year: year, month: month, day: day) ? SynthDate(year, month, day) : nil
    }

    /// `1950-02-03` (with `闰` before the month for a leap month): for truth notes.
    var label: String { "\(pad(year, 4))-\(leap ? "闰" : "")\(pad(month, 2))-\(pad(day, 2))" }
}
