/// Unit quantity codes the returns, e-invoice and e-way bill accept (gst.md §A3.4); `NA` for services.
public enum UQC {
    public static let codes: Set<String> = [
        "BAG", "BAL", "BDL", "BKL", "BOU", "BOX", "BTL", "BUN", "CAN", "CBM", "CCM", "CMS", "CTN", "DOZ", "DRM", "GGK", "GMS", "GRS",
        "GYD", "KGS", "KLR", "KME", "LTR", "MLT", "MTR", "MTS", "NOS", "OTH", "PAC", "PCS", "PRS", "QTL", "ROL", "SET", "SQF", "SQM",
        "SQY", "TBS", "TGM", "THD", "TON", "TUB", "UGS", "UNT", "YDS",
    ]

    public static func isValid(_ code: String, service: Bool) -> Bool { service ? code == "NA" : codes.contains(code) }
}

/// HSN (goods) and SAC (services, chapter 99) codes: 4, 6 or 8 digits.
public enum HSNCode {
    public static func problem(_ code: String) -> String? {
        guard code.allSatisfy(\.isASCIIDigit) else { return "must be digits only" }
        guard [4, 6, 8].contains(code.count) else { return "must have 4, 6 or 8 digits, got \(code.count)" }
        return nil
    }

    public static func isService(_ code: String) -> Bool { code.hasPrefix("99") }

    /// Digits a taxpayer must show (Notification 78/2020-CT): 4 up to ₹5 crore turnover, 6 above.
    public static func requiredDigits(turnoverAbove5Crore: Bool) -> Int { turnoverAbove5Crore ? 6 : 4 }
}
