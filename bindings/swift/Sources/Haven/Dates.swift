// Hand-written (bindings/generate.sh leaves this file alone): how calendar
// dates cross into Swift. The core keeps a date without a time or zone
// (a review date, a date of birth); Swift's type for that is
// `DateComponents` with year, month and day, which `Calendar` turns into a
// `Date` wherever the app needs one. core/uniffi.toml points the generated
// converters here. Dates cross the FFI as ISO `YYYY-MM-DD` text.
import Foundation

/// The components the core sent (year, month, day of the Gregorian
/// calendar; no calendar or zone is attached, so they compare equal to
/// `DateComponents(year:month:day:)`). The core only sends valid dates, so a text it did not write
/// cannot arrive here; should it, the components are empty rather than a crash.
func havenDateComponents(fromISO text: String) -> DateComponents {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
          let day = Int(parts[2]) else {
        return DateComponents()
    }
    return DateComponents(year: year, month: month, day: day)
}

/// The ISO text the core expects. Components with no year, month or day
/// become a text the core refuses with `HavenError.InvalidInput`, the same
/// as an impossible date such as 31 February.
func havenISOText(from components: DateComponents) -> String {
    guard let year = components.year, let month = components.month,
          let day = components.day, (0...9999).contains(year) else {
        return "incomplete date"
    }
    return String(format: "%04d-%02d-%02d", year, month, day)
}
