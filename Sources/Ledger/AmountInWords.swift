/// Amounts in words the Indian way (lakh, crore), as invoices print them: "Rupees One Lakh Eighteen Thousand
/// and Fifty Paise Only".
extension Money {
    public var inWords: String {
        let rupees = abs(paise) / 100, cents = abs(paise) % 100
        var words = "Rupees " + (rupees == 0 ? "Zero" : Self.indianWords(rupees))
        if cents > 0 { words += " and " + Self.indianWords(cents) + " Paise" }
        return (paise < 0 ? "Minus " : "") + words + " Only"
    }

    private static let ones = ["", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
                               "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"]
    private static let tens = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]

    private static func belowHundred(_ n: Int64) -> String {
        n < 20 ? ones[Int(n)] : tens[Int(n / 10)] + (n % 10 == 0 ? "" : " " + ones[Int(n % 10)])
    }

    private static func belowThousand(_ n: Int64) -> String {
        let hundreds = n / 100, rest = n % 100
        var parts: [String] = []
        if hundreds > 0 { parts.append(ones[Int(hundreds)] + " Hundred") }
        if rest > 0 { parts.append(belowHundred(rest)) }
        return parts.joined(separator: " ")
    }

    /// Crore, lakh, thousand, then hundreds; crores above 99 repeat the scheme ("One Hundred Crore").
    static func indianWords(_ n: Int64) -> String {
        var parts: [String] = []
        let crore = n / 1_00_00_000, lakh = n / 1_00_000 % 100, thousand = n / 1_000 % 100, rest = n % 1_000
        if crore > 0 { parts.append(indianWords(crore) + " Crore") }
        if lakh > 0 { parts.append(belowHundred(lakh) + " Lakh") }
        if thousand > 0 { parts.append(belowHundred(thousand) + " Thousand") }
        if rest > 0 { parts.append(belowThousand(rest)) }
        return parts.joined(separator: " ")
    }
}
