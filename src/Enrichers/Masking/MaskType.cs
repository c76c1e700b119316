namespace Enrichers.Masking;

/// <summary>What a mask replaced. The order is the bit order of <see cref="MaskPatterns"/>.</summary>
internal enum MaskType
{
    Email,
    Phone,
    Card,
    Ssn,
    Iban,
    Jwt,
    Bearer,
    ApiKey,
    PrivateKey,
    UrlPassword,
    Ip,
    Key,

    /// <summary>India Aadhaar and PAN, UK National Insurance number.</summary>
    NationalId,
    Custom,
}
