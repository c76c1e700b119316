namespace Enrichers.Masking;

/// <summary>What a key name's rules say about its value.</summary>
[Flags]
internal enum KeyFlags : ushort
{
    None = 0,

    /// <summary>The whole value is a secret or PII and is masked.</summary>
    Secret = 1,

    /// <summary>The value is a version string: no IPv4 matching in it.</summary>
    Version = 2,

    /// <summary>The value is an identifier (trace, span, request IDs): no number patterns in it, since a
    /// decimal-only span ID can pass Luhn.</summary>
    Identifier = 4,

    /// <summary>An exception to a secret rule it ends with (<c>eos_token</c>, <c>PublicKeyToken</c>): the longer
    /// rule wins, so the value is not a secret.</summary>
    NotSecret = 8,

    /// <summary>The value names another value (<c>name</c>, <c>key</c> of a name/value pair, as in Kubernetes
    /// <c>env</c> lists): when it names a secret, the sibling <see cref="PairValue"/> is masked.</summary>
    PairName = 16,

    /// <summary>The value of a name/value pair (<c>value</c>).</summary>
    PairValue = 32,

    /// <summary>In text, the value runs to the end of its line (<c>Cookie:</c>, <c>Set-Cookie:</c>): every cookie of
    /// the header goes, not only the first.</summary>
    WholeLine = 64,

    /// <summary>An authorization header (<c>Authorization</c>, <c>Proxy-Authorization</c>): the scheme word stays,
    /// the credential goes, all of its parameters when it has some (<c>Digest</c>, <c>OAuth</c>, AWS SigV4).</summary>
    AuthHeader = 128,

    /// <summary>The key names a phone number (<c>phone</c>, <c>caller_id</c>, <c>msisdn</c>): phone patterns stay on
    /// under an identifier word, and bare digit runs (7-15 digits) are phones too.</summary>
    PhoneContext = 1 << 8,

    /// <summary>The key names a US SSN: nine bare digits or any 3-2-4 grouping are SSNs.</summary>
    SsnContext = 1 << 9,

    /// <summary>The key names a payment card number: 12-19 digits in any grouping are masked without Luhn.</summary>
    CardContext = 1 << 10,

    /// <summary>The key names a national identifier (Aadhaar, PAN, National Insurance number): their shapes are
    /// masked without the checks the same shapes need in free text.</summary>
    NationalIdContext = 1 << 11,

    /// <summary>The key name itself holds PII (an e-mail or IP address used as a key): the name is masked.</summary>
    NameHoldsPii = 1 << 12,

    /// <summary>Every context flag.</summary>
    PiiContext = PhoneContext | SsnContext | CardContext | NationalIdContext,
}
