namespace Enrichers.Masking;

/// <summary>Names (statistics label, configuration name, HMAC domain) and default markers of the mask types.</summary>
internal static class MaskTypeNames
{
    private static readonly string[] Names =
        ["email", "phone", "card", "ssn", "iban", "jwt", "bearer", "api_key", "private_key", "url_password", "ip", "key", "national_id"];

    private static readonly string[] Markers =
        ["[email]", "[phone]", "[card]", "[ssn]", "[iban]", "[jwt]", "[token]", "[api_key]", "[private_key]", "[password]", "[ip]", "[redacted]", "[national_id]"];

    // The markers as UTF-8, for text rebuilt as bytes: each mask would otherwise transcode its marker again.
    private static readonly byte[][] MarkersUtf8 = Array.ConvertAll(Markers, System.Text.Encoding.UTF8.GetBytes);

    /// <summary>Replaces a whole value whose scan passed its work budget (see <see cref="ScanState"/>): a
    /// <c>[redacted]</c> marker that says why, whatever the replacement mode (a token of a value cut short by the
    /// budget would identify nothing).</summary>
    public const string BudgetMarker = "[redacted:budget]";

    /// <summary>Replaces a whole value that masking failed on (an unexpected error while scanning it): fail closed
    /// for that value only, the rest of the record is masked as usual.</summary>
    public const string ErrorMarker = "[redacted:error]";

    /// <summary>Every built-in name, as accepted by <see cref="MaskingOptions.DisabledPatterns"/>.</summary>
    public static IReadOnlyList<string> All => Names;

    public static string Name(MaskType type) => Names[(int)type];

    public static string Marker(MaskType type) => Markers[(int)type];

    public static ReadOnlySpan<byte> MarkerUtf8(MaskType type) => MarkersUtf8[(int)type];

    public static bool TryParse(string name, out MaskType type)
    {
        var i = Array.IndexOf(Names, name.Trim().ToLowerInvariant());
        type = (MaskType)Math.Max(i, 0);
        return i >= 0;
    }
}
