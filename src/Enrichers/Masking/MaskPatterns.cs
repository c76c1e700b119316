namespace Enrichers.Masking;

/// <summary>The built-in value patterns that are switched on, one bit per <see cref="MaskType"/>.</summary>
[Flags]
internal enum MaskPatterns
{
    None = 0,
    Email = 1 << MaskType.Email,
    Phone = 1 << MaskType.Phone,
    Card = 1 << MaskType.Card,
    Ssn = 1 << MaskType.Ssn,
    Iban = 1 << MaskType.Iban,
    Jwt = 1 << MaskType.Jwt,
    Bearer = 1 << MaskType.Bearer,
    ApiKey = 1 << MaskType.ApiKey,
    PrivateKey = 1 << MaskType.PrivateKey,
    UrlPassword = 1 << MaskType.UrlPassword,
    Ip = 1 << MaskType.Ip,

    /// <summary>Key rules, also applied to <c>key=value</c> pairs in text (query strings, logfmt).</summary>
    Key = 1 << MaskType.Key,
    NationalId = 1 << MaskType.NationalId,
    All = Email | Phone | Card | Ssn | Iban | Jwt | Bearer | ApiKey | PrivateKey | UrlPassword | Ip | Key | NationalId,
}
